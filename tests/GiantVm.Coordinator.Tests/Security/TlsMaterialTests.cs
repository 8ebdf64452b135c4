using GiantVm.Security;

namespace GiantVm.Coordinator.Tests.Security;

public sealed class TlsMaterialTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Issue("--vm", "giantvm", "--hosts", "2", "--members", "m1", "--operators", "alice");
    private readonly TestCertificates _foreign = TestCertificates.Issue("--operators", "eve");

    public void Dispose()
    {
        _certs.Dispose();
        _foreign.Dispose();
    }

    private TlsMaterial Member() => new(_certs.Of("coordinator-m1").Cert, _certs.Of("coordinator-m1").Key, _certs.Ca);

    [Fact]
    public void Load_GenCertsOutput_ReadsTheIdentity()
    {
        Assert.Equal(PeerIdentity.Coordinator("m1"), Member().Identity);
    }

    [Fact]
    public void Validate_SameCa_GivesThePeersIdentity()
    {
        var peer = new TlsMaterial(_certs.Of("host-giantvm-1").Cert, _certs.Of("host-giantvm-1").Key, _certs.Ca).Certificate;

        Assert.Equal(PeerIdentity.Host("giantvm", 1), Member().Validate(peer, out _));
    }

    [Fact]
    public void Validate_OtherCa_IsRejected()
    {
        var eve = new TlsMaterial(_foreign.Of("operator-eve").Cert, _foreign.Of("operator-eve").Key, _foreign.Ca).Certificate;

        Assert.Null(Member().Validate(eve, out var reason));
        Assert.Contains("not issued by this deployment's CA", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Expired_IsRejected()
    {
        _certs.IssueExpired("operator-old", "spiffe://giantvm/operator/old");
        var old = new TlsMaterial(_certs.Of("operator-old").Cert, _certs.Of("operator-old").Key, _certs.Ca).Certificate;

        Assert.Null(Member().Validate(old, out var reason));
        Assert.Contains("expired", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoCertificate_SaysSo()
    {
        Assert.Null(Member().Validate(null, out var reason));
        Assert.Equal("no client certificate", reason);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var e = Assert.Throws<TlsConfigException>(() => new TlsMaterial("/nonexistent/x.crt", _certs.Of("operator-alice").Key, _certs.Ca));

        Assert.Equal("/nonexistent/x.crt: no such file", e.Message);
    }

    [Fact]
    public void Refresh_ReplacedCertificateFiles_AreUsed_AndAHalfWrittenOneKeepsTheOld()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var (cert, key) = _certs.Of("operator-alice");
        var tls = new TlsMaterial(cert, key, _certs.Ca, time);
        var before = tls.Certificate.Thumbprint;
        var failures = new List<string>();
        tls.ReloadFailed += failures.Add;

        File.WriteAllText(cert, "-----BEGIN CERTIFICATE-----\nnot yet\n");
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(before, tls.Certificate.Thumbprint);
        Assert.Single(failures);

        _certs.More("--operators", "alice"); // re-issued: a new key and certificate, same identity
        File.SetLastWriteTimeUtc(cert, DateTime.UtcNow.AddSeconds(5));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotEqual(before, tls.Certificate.Thumbprint);
        Assert.Equal(PeerIdentity.Operator("alice"), tls.Identity);
    }
}
