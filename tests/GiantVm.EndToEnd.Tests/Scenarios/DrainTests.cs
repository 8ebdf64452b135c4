using GiantVm.Contracts.V1;
using GiantVm.EndToEnd.Tests.Infrastructure;

namespace GiantVm.EndToEnd.Tests.Scenarios;

/// <summary>Issue 8, scenario 6: a drained node receives no task; drain --evacuate empties a node.</summary>
[Trait("Category", "e2e")]
public sealed class DrainTests
{
    [Fact]
    public async Task DrainedNode_ReceivesNoTask_AndDrainEvacuate_EmptiesANode()
    {
        var ct = TestContext.Current.CancellationToken;
        // nodes 0 and 2 are both quiet: with node 0 drained, the tasks must go to node 2
        await using var cluster = await EmulatedCluster.StartAsync(TestScenarios.FourNodes(node2Lc: "10%"), TestScenarios.QuickPolicy(), nodes: 4, tasks: 4);
        var admin = cluster.Admin;

        var drained = await admin.DrainAsync(new DrainRequest { NodeId = 0 }, cancellationToken: ct);
        Assert.Contains(0u, drained.DrainedNodes);
        Assert.True((await admin.ListNodesAsync(new NodesRequest(), cancellationToken: ct)).Nodes.Single(n => n.NodeId == 0).Drained);

        cluster.SetLc(1, "95%");
        await Eventually.WaitAsync(() => cluster.Placement().All(p => p.CpuNode != 1 && p.PageNode != 1) && (int)cluster.Status()["moves_in_progress"]! == 0,
            TimeSpan.FromSeconds(40), "every task off node 1", cluster.Logs);
        Assert.DoesNotContain(cluster.Journal(), r => r.IsDecision() && (int?)r["to"] == 0);
        Assert.All(cluster.Placement(), p => Assert.NotEqual(0, p.CpuNode));
        Assert.Contains(cluster.Placement(), p => p.CpuNode == 2);

        // evacuate node 2 (node 0 back in service): every task leaves it
        await admin.UndrainAsync(new UndrainRequest { NodeId = 0 }, cancellationToken: ct);
        // evacuation acts on the coordinator's view: wait until it sees every task that is on node 2
        var onNode2 = cluster.Placement().Count(p => p.CpuNode == 2);
        await Eventually.WaitAsync(async () => (await admin.ListNodesAsync(new NodesRequest(), cancellationToken: ct)).Nodes.Single(n => n.NodeId == 2).BeTasks == onNode2,
            TimeSpan.FromSeconds(30), $"the coordinator to see the {onNode2} task(s) on node 2", cluster.Logs);
        var evacuate = await admin.DrainAsync(new DrainRequest { NodeId = 2, Evacuate = true, Wait = true, TimeoutSeconds = 60 }, cancellationToken: ct);
        Assert.Contains(2u, evacuate.DrainedNodes);
        Assert.False(evacuate.TimedOut);
        Assert.NotEmpty(evacuate.Decisions);
        Assert.All(evacuate.Decisions, d => Assert.Equal(MigrationTrigger.Evacuate, d.Trigger));
        Assert.All(evacuate.Results, r => Assert.Equal(MigrationStatus.Done, r.Status));
        await Eventually.WaitAsync(() => cluster.Placement().All(p => p.CpuNode != 2 && p.PageNode != 2),
            TimeSpan.FromSeconds(30), "node 2 empty", cluster.Logs);
    }
}
