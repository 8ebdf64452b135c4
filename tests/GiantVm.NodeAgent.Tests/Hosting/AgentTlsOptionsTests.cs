using GiantVm.NodeAgent.Hosting;
using GiantVm.Security;

namespace GiantVm.NodeAgent.Tests.Hosting;

/// <summary>Issue 17: the agent's TLS settings (giantvm-agent run --tls-cert/--tls-key/--tls-ca).</summary>
public sealed class AgentTlsOptionsTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Issue("--vm", "giantvm", "--hosts", "2", "--operators", "alice");

    public void Dispose() => _certs.Dispose();

    private AgentOptions Host(int node, string certName, string coordinator = "https://127.0.0.1:5000") => new()
    {
        Role = "host",
        NodeId = node,
        Coordinator = coordinator,
        Tls = new AgentTlsOptions { Cert = _certs.Of(certName).Cert, Key = _certs.Of(certName).Key, Ca = _certs.Ca },
    };

    [Fact]
    public void Validate_OwnCertificate_LoadsIt()
    {
        var settings = AgentOptionsValidator.Validate(Host(1, "host-giantvm-1"));

        Assert.Equal(PeerIdentity.Host("giantvm", 1), settings.Tls!.Identity);
    }

    [Theory]
    [InlineData(2, "host-giantvm-1", "https://127.0.0.1:5000", "is spiffe://giantvm/vm/giantvm/host/1, but this agent runs as spiffe://giantvm/vm/giantvm/host/2")]
    [InlineData(0, "operator-alice", "https://127.0.0.1:5000", "is spiffe://giantvm/operator/alice, but this agent runs as")]
    [InlineData(0, "host-giantvm-0", "http://127.0.0.1:5000", "--coordinator 'http://127.0.0.1:5000/' is http:// while TLS files are set; use https://")]
    public void Validate_CertificateThatDoesNotFit_IsAConfigurationError(int node, string certName, string coordinator, string expected)
    {
        var e = Assert.Throws<AgentConfigException>(() => AgentOptionsValidator.Validate(Host(node, certName, coordinator)));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HttpsWithoutCertificates_IsAConfigurationError()
    {
        var e = Assert.Throws<AgentConfigException>(() => AgentOptionsValidator.Validate(new AgentOptions { Role = "guest", Coordinator = "https://127.0.0.1:5000" }));

        Assert.Equal("--coordinator uses https:// but --tls-cert, --tls-key and --tls-ca (Agent:Tls:Cert, Key, Ca) are not set", e.Message);
    }

    [Fact]
    public void Validate_PartOfTheFiles_IsAConfigurationError()
    {
        var options = Host(0, "host-giantvm-0");
        options.Tls.Ca = null;

        Assert.Contains("go together", Assert.Throws<AgentConfigException>(() => AgentOptionsValidator.Validate(options)).Message, StringComparison.Ordinal);
    }
}
