using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Security;
using GiantVm.Security;

namespace GiantVm.Coordinator.Tests.Security;

public sealed class AccessRulesTests
{
    private static readonly PeerIdentity Operator = PeerIdentity.Operator("alice");
    private static readonly PeerIdentity Viewer = PeerIdentity.Viewer("bob");
    private static readonly PeerIdentity Guest = PeerIdentity.Guest("giantvm");
    private static readonly PeerIdentity Host1 = PeerIdentity.Host("giantvm", 1);

    public static TheoryData<string, string, string, bool> Cases() => new()
    {
        // identity, verb, request vm, allowed
        { "operator", "Move", "", true },
        { "operator", "Drain", "", true },
        { "operator", "ReloadPolicy", "", true },
        { "viewer", "ListNodes", "", true },
        { "viewer", "WatchMigrations", "", true },
        { "viewer", "ValidatePolicy", "", true },
        { "viewer", "GetPolicy", "", true },
        { "viewer", "Move", "", false },
        { "viewer", "Pause", "", false },
        { "viewer", "ReloadPolicy", "", false },
        { "viewer", "Advise", "", false },
        { "viewer", "ListVms", "", true },
        { "guest", "ListVms", "", false },
        { "guest", "Drain", "", false },
        { "guest", "ListNodes", "", false },
        { "guest", "Advise", "", true },
        { "guest", "Advise", "giantvm", true },
        { "guest", "Advise", "other", false },
        { "host", "Advise", "", true },
        { "host", "Rebalance", "", false },
        { "coordinator", "Move", "", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Admin_RoleTable(string who, string verb, string vm, bool allowed)
    {
        var caller = who switch
        {
            "operator" => Operator,
            "viewer" => Viewer,
            "guest" => Guest,
            "host" => Host1,
            _ => PeerIdentity.Coordinator("m1"),
        };

        var reason = AccessRules.Admin(caller, verb, vm);

        Assert.Equal(allowed, reason is null);
    }

    [Fact]
    public void Admin_WithoutTls_AllowsEverything()
    {
        Assert.Null(AccessRules.Admin(null, "Drain", ""));
    }

    [Fact]
    public void Hello_HostCertificate_MaySayHelloOnlyAsItsOwnNode()
    {
        var asNode1 = new Hello { Role = AgentRole.Host, NodeId = 1, Vm = "giantvm" };
        var asNode2 = new Hello { Role = AgentRole.Host, NodeId = 2, Vm = "giantvm" };
        var asGuest = new Hello { Role = AgentRole.Guest, Vm = "giantvm" };

        Assert.Null(AccessRules.Hello(Host1, asNode1, "giantvm"));
        Assert.Equal("certificate identity spiffe://giantvm/vm/giantvm/host/1 may not say hello as spiffe://giantvm/vm/giantvm/host/2",
            AccessRules.Hello(Host1, asNode2, "giantvm"));
        Assert.NotNull(AccessRules.Hello(Host1, asGuest, "giantvm"));
    }

    [Fact]
    public void Hello_GuestCertificate_MaySayHelloOnlyForItsVm()
    {
        var hello = new Hello { Role = AgentRole.Guest, Vm = "b" };

        Assert.Null(AccessRules.Hello(PeerIdentity.Guest("b"), hello, "b"));
        Assert.NotNull(AccessRules.Hello(PeerIdentity.Guest("a"), hello, "b"));
        Assert.NotNull(AccessRules.Hello(Operator, hello, "b"));
    }
}
