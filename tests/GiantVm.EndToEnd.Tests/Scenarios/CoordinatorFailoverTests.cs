using System.Diagnostics;
using GiantVm.Contracts.V1;
using GiantVm.EndToEnd.Tests.Infrastructure;

namespace GiantVm.EndToEnd.Tests.Scenarios;

/// <summary>Issue 8, scenario 3: SIGKILL of the coordinator member running the rebalancer, three members.</summary>
[Trait("Category", "e2e")]
public sealed class CoordinatorFailoverTests
{
    [Fact]
    public async Task KillingTheRebalancersMember_AnotherTakesOver_AgentsReconnect_ALaterSpikeIsHandled_AndNoAcknowledgedRecordIsLostOrDuplicated()
    {
        await using var cluster = await EmulatedCluster.StartAsync(TestScenarios.FourNodes(), TestScenarios.QuickPolicy(), nodes: 4, tasks: 4, coordinators: 3);

        // A first spike, handled before the kill.
        cluster.SetLc(1, "95% over 2s");
        await Eventually.WaitAsync(() => (double)cluster.Status()["nodes"]![1]!["lc_load_ratio"]! > 0.9, TimeSpan.FromSeconds(10), "the first spike", cluster.Logs);
        var first = cluster.LowestStealNodeForAllTasks();
        await Eventually.WaitAsync(() => cluster.Placement().All(p => p.CpuNode == first && p.PageNode == first),
            TimeSpan.FromSeconds(30), $"every BE task on node {first}", cluster.Logs);
        var rebalancer = await RebalancerAsync(cluster, via: 0, not: null);
        await Eventually.WaitAsync(() => cluster.Journal(rebalancer).Count(r => r.IsResult() && r.Status() == "done") >= 4,
            TimeSpan.FromSeconds(15), "the first results journaled", cluster.Logs);
        cluster.SetLc(1, "10%");

        // Acknowledged = on disk at a majority of the members when the member dies.
        var acknowledged = Enumerable.Range(0, 3).SelectMany(i => cluster.Journal(i).Select(r => (string)r["id"]!))
            .GroupBy(id => id).Where(g => g.Count() >= 2).Select(g => g.Key).ToList();
        Assert.True(acknowledged.Count >= 8, $"only {acknowledged.Count} records on a majority before the kill");

        var clock = Stopwatch.StartNew();
        cluster.Members[rebalancer].Kill();
        var survivors = Enumerable.Range(0, 3).Where(i => i != rebalancer).ToList();
        var next = await RebalancerAsync(cluster, via: survivors[0], not: rebalancer);
        var handover = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"handover after SIGKILL: {handover.TotalSeconds:0.0} s");
        Assert.True(handover < TimeSpan.FromSeconds(30), $"the rebalancer ran again only after {handover.TotalSeconds:0.0} s");
        Assert.Contains(next, survivors);
        await Eventually.WaitAsync(async () =>
            (await cluster.AdminOf(next).GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5))).Agents.Count == cluster.Nodes + 1,
            TimeSpan.FromSeconds(60), "every agent connected to a surviving member", cluster.Logs);

        // A later spike, on the node the tasks moved to, is still handled.
        cluster.SetLc(first, "95% over 2s");
        await Eventually.WaitAsync(() => (double)cluster.Status()["nodes"]![first]!["lc_load_ratio"]! > 0.9, TimeSpan.FromSeconds(10), "the later spike", cluster.Logs);
        var best = cluster.LowestStealNodeForAllTasks();
        Assert.NotEqual(first, best);
        await Eventually.WaitAsync(() => cluster.Placement().All(p => p.CpuNode == best && p.PageNode == best),
            TimeSpan.FromSeconds(60), $"every BE task on node {best} after the failover", cluster.Logs);
        await Eventually.WaitAsync(() => cluster.Journal(next).Count(r => r.IsResult() && r.Status() == "done" && (string?)r["member"] == EmulatedCluster.MemberName(next)) >= 4,
            TimeSpan.FromSeconds(20), "the later results journaled by the new rebalancer", cluster.Logs);

        foreach (var survivor in survivors)
        {
            var ids = cluster.Journal(survivor).Select(r => (string)r["id"]!).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count()); // nothing twice
            Assert.All(acknowledged, id => Assert.Single(ids, i => i == id)); // nothing lost
        }
    }

    /// <summary>Index of the member running a recovered rebalancer, asked through member <paramref name="via"/>.</summary>
    private static async Task<int> RebalancerAsync(EmulatedCluster cluster, int via, int? not)
    {
        var admin = cluster.AdminOf(via);
        var found = await Eventually.WaitAsync(async () =>
        {
            var status = await admin.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            var index = Enumerable.Range(0, cluster.Members.Length).FirstOrDefault(i => EmulatedCluster.MemberName(i) == status.RebalancerMember, -1);
            return status.Recording && index >= 0 && index != not ? (object)index : null;
        }, TimeSpan.FromSeconds(60), "a recovered rebalancer", cluster.Logs);
        return (int)found;
    }
}
