using GiantVm.Security;

namespace GiantVm.Coordinator.Tests.Security;

public sealed class PeerIdentityTests
{
    [Theory]
    [InlineData("spiffe://giantvm/vm/a/host/2", PeerKind.Host, "a", 2, null)]
    [InlineData("spiffe://giantvm/vm/prod-7/guest", PeerKind.Guest, "prod-7", null, null)]
    [InlineData("spiffe://giantvm/coordinator/m1", PeerKind.Coordinator, null, null, "m1")]
    [InlineData("spiffe://giantvm/operator/alice", PeerKind.Operator, null, null, "alice")]
    [InlineData("spiffe://giantvm/viewer/bob.smith", PeerKind.Viewer, null, null, "bob.smith")]
    public void TryParse_EachShape_RoundTrips(string uri, PeerKind kind, string? vm, int? node, string? name)
    {
        var identity = PeerIdentity.TryParse(uri);

        Assert.Equal(new PeerIdentity(kind, vm, node, name), identity);
        Assert.Equal(uri, identity!.Uri);
    }

    [Theory]
    [InlineData("spiffe://other/operator/alice")] // another trust domain
    [InlineData("spiffe://giantvm/operator")]
    [InlineData("spiffe://giantvm/operator/alice/extra")]
    [InlineData("spiffe://giantvm/vm/a/host/x")]
    [InlineData("spiffe://giantvm/vm/a/host/-1")]
    [InlineData("spiffe://giantvm/vm/a/host/5000")]
    [InlineData("spiffe://giantvm/vm//guest")]
    [InlineData("spiffe://giantvm/admin/root")]
    [InlineData("https://giantvm/operator/alice")]
    [InlineData("spiffe://giantvm/operator/../coordinator")]
    public void TryParse_AnythingElse_IsNull(string uri)
    {
        Assert.Null(PeerIdentity.TryParse(uri));
    }
}
