using GiantVm.Contracts.V1;
using GiantVm.NodeAgent.Execution;
using GiantVm.NodeAgent.Reporting;
using AgentSensing = GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Tests.Reporting;

public class ProtoMappingTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static AgentSensing.GuestReport Guest(double? steal, params AgentSensing.BeTaskReport[] tasks) => new(
        1.0,
        [new AgentSensing.GuestNodeReport(0, "0-1", steal, steal is null ? null : 0.5, 1000, 400), new AgentSensing.GuestNodeReport(1, "", null, null, 1000, 900)],
        tasks,
        0,
        [],
        []);

    private static AgentSensing.BeTaskReport Task(int pid, int? node) =>
        new(pid, 9, "be", node, "numa_maps", 4096, 0.25, new Dictionary<int, ulong> { [0] = 1 }, null, "0-1", 1, 0);

    [Fact]
    public void Guest_WhenANodeWithCpusHasNoValidDelta_SkipsTheReport()
    {
        var (report, skipped) = ProtoMapping.Guest(Guest(steal: null), "giantvm", Now);

        Assert.Null(report);
        Assert.Contains("node 0", skipped);
    }

    [Fact]
    public void Guest_MapsNodesAndLeavesOutTasksWithoutANode()
    {
        var (report, _) = ProtoMapping.Guest(Guest(0.1, Task(100, 0), Task(101, null)), "giantvm", Now);

        Assert.Equal(2, report!.Nodes.Count);
        Assert.Equal(0.1, report.Nodes[0].StealRatio);
        Assert.Equal(0, report.Nodes[1].StealRatio); // memory-only node: no CPU time at all
        Assert.Equal([100], report.Tasks.Select(t => t.Pid));
        Assert.Equal(1UL, report.Tasks[0].PagesPerNode[0].Pages);
    }

    [Fact]
    public void Host_WhenACpuDeltaWasDiscarded_SkipsTheReport()
    {
        var host = new AgentSensing.HostReport(2, 1, 2, 1.5, null, "host-busy", null, 100, 200, null, null, 0, 0, [1]);

        var (report, skipped) = ProtoMapping.Host(host, "giantvm", Now);

        Assert.Null(report);
        Assert.Contains("1", skipped);
    }

    [Fact]
    public void Host_LeavesUnmeasuredFieldsUnset()
    {
        var host = new AgentSensing.HostReport(2, 1, 2, 1.5, null, "host-busy", 0.2, 100, 200, null, null, 4, 2, []);

        var (report, _) = ProtoMapping.Host(host, "giantvm", Now);

        Assert.False(report!.HasLcBusyCores);
        Assert.False(report.HasLcDemandCores);
        Assert.Equal(0.2, report.VcpuStealRatio);
        Assert.Equal(2u, report.NodeId);
    }

    [Fact]
    public void Host_CarriesLcBusyAndLcDemand()
    {
        var host = new AgentSensing.HostReport(2, 1, 2, 1.5, 0.9, "lc-cgroup", 0.1, 100, 200, null, null, 4, 2, []) { LcDemandCores = 1.4 };

        var (report, _) = ProtoMapping.Host(host, "giantvm", Now);

        Assert.Equal((0.9, 1.4), (report!.LcBusyCores, report.LcDemandCores));
    }

    [Fact]
    public void Result_CarriesEveryOutcomeField()
    {
        var request = new MigrationRequest("c", "m", "giantvm", 5, 6, "be", [0], 1, false, null);
        var outcome = new MigrationOutcome(ExecutionStatus.Partial, new Dictionary<int, ulong> { [0] = 10 }, new Dictionary<int, ulong> { [0] = 3, [1] = 7 },
            7, 3, "0-1", "2-3", TimeSpan.FromMilliseconds(12.5), "migratepages exited 1");

        var result = ProtoMapping.Result(new MigrationReply(request, outcome, Now), "giantvm");

        Assert.Equal(MigrationStatus.Partial, result.Status);
        Assert.Equal((7UL, 3UL, 12.5), (result.PagesMoved, result.PagesLeft, result.DurationMs));
        Assert.Equal(2, result.PagesAfter.Count);
        Assert.Equal(("0-1", "2-3", "migratepages exited 1"), (result.AffinityBefore, result.AffinityAfter, result.Error));
    }
}
