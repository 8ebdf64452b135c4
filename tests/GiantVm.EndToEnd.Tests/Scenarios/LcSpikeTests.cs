using System.Diagnostics;
using GiantVm.EndToEnd.Tests.Infrastructure;

namespace GiantVm.EndToEnd.Tests.Scenarios;

/// <summary>Issue 8, scenario 1: an LC spike on the BE tasks' node, with the shipped demo policy.</summary>
[Trait("Category", "e2e")]
public sealed class LcSpikeTests
{
    [Fact]
    public async Task LcSpikeOnTheBeNode_MovesEveryTaskToTheLowestStealNodeWithin15s_JournaledWithReasons_AndBeStealFalls()
    {
        await using var cluster = await EmulatedCluster.StartAsync(TestScenarios.FourNodes(), TestScenarios.DemoPolicy(), nodes: 4, tasks: 4);
        Assert.All(cluster.Placement(), p => Assert.Equal(1, p.CpuNode));

        cluster.SetLc(1, "95% over 2s");
        var spike = Stopwatch.StartNew();
        await Eventually.WaitAsync(() => cluster.StatusTime() > 0 && (double)cluster.Status()["nodes"]![1]!["lc_load_ratio"]! > 0.9,
            TimeSpan.FromSeconds(10), "the spike in the emulator", cluster.Logs);
        var best = cluster.LowestStealNodeForAllTasks();
        await Eventually.WaitAsync(() => cluster.Placement().All(p => p.CpuNode == best && p.PageNode == best),
            TimeSpan.FromSeconds(15) - spike.Elapsed, $"every BE task on node {best} (the lowest-steal node) within 15 s of the spike", cluster.Logs);

        // each migration journaled: a decision with its reason, then its result (done)
        await Eventually.WaitAsync(() => cluster.Journal().Count(r => (string?)r["kind"] == "result") >= 4,
            TimeSpan.FromSeconds(15), "the results in the journal", cluster.Logs);
        var journal = cluster.Journal();
        var decisions = journal.Where(r => (string?)r["kind"] == "decision").ToList();
        Assert.Equal(4, decisions.Select(d => (int)d["pid"]!).Distinct().Count());
        Assert.All(decisions, d =>
        {
            Assert.Equal(1, (int)d["from"]!);
            Assert.Equal(best, (int)d["to"]!);
            Assert.Equal("auto", (string?)d["trigger"]);
            Assert.Contains("node 1 hot (smoothed steal", (string?)d["reason"], StringComparison.Ordinal);
            var result = journal.Single(r => (string?)r["kind"] == "result" && (string?)r["migrationId"] == (string?)d["migrationId"]);
            Assert.Equal("done", (string?)result["status"]);
            Assert.Equal(65536, (long)result["pagesMoved"]!);
        });

        // the steal the BE tasks experience (demand-weighted, the emulator's figure) is below steal_low
        await Eventually.WaitAsync(() => (double)cluster.Status()["be_steal_ratio"]! < 0.05, TimeSpan.FromSeconds(10), "BE steal below steal_low", cluster.Logs);
        // and the guest agent measures it too on the tasks' new node
        await Eventually.WaitAsync(async () =>
        {
            var nodes = await cluster.Admin.ListNodesAsync(new GiantVm.Contracts.V1.NodesRequest());
            var node = nodes.Nodes.Single(n => n.NodeId == best);
            return node.BeTasks == 4 && node.HasStealRatio && node.StealRatio < 0.05 && node.SmoothedStealRatio < 0.05;
        }, TimeSpan.FromSeconds(20), $"node {best}'s measured steal below steal_low with the 4 tasks", cluster.Logs);
    }
}
