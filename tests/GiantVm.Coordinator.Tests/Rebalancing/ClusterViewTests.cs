using GiantVm.Coordinator.Rebalancing;
using GiantVm.Scheduling.Model;

namespace GiantVm.Coordinator.Tests.Rebalancing;

public sealed class ClusterViewTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly GuestReportData Guest = new(
        T0,
        [new GuestNodeData(0, "0-1", 0.4, 0.5, 8L << 30, 4L << 30), new GuestNodeData(1, "2-3", 0.0, 0.1, 8L << 30, 6L << 30)],
        [new TaskSnapshot(4242, 0) { RssBytes = 1 << 20, CpuCores = 1 }]);

    [Fact]
    public void ToSnapshot_WithoutHostAgents_LeavesLcDataAbsent()
    {
        var snapshot = ClusterView.Empty.WithGuestReport(Guest, T0).ToSnapshot(T0.AddSeconds(3), new HashSet<int>());

        Assert.All(snapshot.Nodes, n => Assert.Null(n.HostLcBusyCores));
        Assert.All(snapshot.Nodes, n => Assert.Equal(3, n.AgeSeconds));
        Assert.Equal([0.4, 0.0], snapshot.Nodes.Select(n => n.StealRatio));
        Assert.Single(snapshot.Tasks);
    }

    [Fact]
    public void ToSnapshot_TakesLcDataFromTheNodesHostReport()
    {
        var view = ClusterView.Empty
            .WithGuestReport(Guest, T0)
            .WithHostReport(new HostReportData(1, T0, 16, 6, 5.5, 0.02), T0);

        var snapshot = view.ToSnapshot(T0, new HashSet<int> { 0 });

        Assert.Null(snapshot.Nodes[0].HostLcBusyCores);
        Assert.Equal(5.5, snapshot.Nodes[1].HostLcBusyCores);
        Assert.Equal(16, snapshot.Nodes[1].HostCapacityCores);
        Assert.Equal(0.02, snapshot.Nodes[1].HostStealRatio);
        Assert.True(snapshot.Nodes[0].Drained);
        Assert.False(snapshot.Nodes[1].Drained);
    }

    [Fact]
    public void ToSnapshot_CarriesTheHostsLcDemand_AndLeavesItAbsentForAnOlderAgent()
    {
        var view = ClusterView.Empty
            .WithGuestReport(Guest, T0)
            .WithHostReport(new HostReportData(0, T0, 16, 6, 5.5, 0.02), T0)
            .WithHostReport(new HostReportData(1, T0, 16, 6, 5.5, 0.02) { LcDemandCores = 9.25 }, T0);

        var snapshot = view.ToSnapshot(T0, new HashSet<int>());

        Assert.Null(snapshot.Nodes[0].HostLcDemandCores);
        Assert.Equal(9.25, snapshot.Nodes[1].HostLcDemandCores);
    }

    [Fact]
    public void ToSnapshot_BeforeAnyGuestReport_HasNoNodes() =>
        Assert.Empty(ClusterView.Empty.WithHostReport(new HostReportData(1, T0, 16, 6, 5.5, null), T0).ToSnapshot(T0, new HashSet<int>()).Nodes);
}
