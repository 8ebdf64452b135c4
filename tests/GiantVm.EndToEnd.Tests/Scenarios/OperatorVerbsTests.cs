using GiantVm.Contracts.V1;
using GiantVm.EndToEnd.Tests.Infrastructure;

namespace GiantVm.EndToEnd.Tests.Scenarios;

/// <summary>
/// Issue 8, scenarios 7 and 2 over the live AdminService (the gRPC calls giantvmctl's live verbs
/// make; their output is tested in GiantVm.Ctl.Tests): pause stops automatic rounds (the positive
/// control: node 1 is hot and fresh meanwhile, and the manual rounds right after do decide),
/// rebalance --dry-run moves none and journals dry-run records, rebalance --wait moves tasks,
/// move moves one task, resume brings the automatic rounds back.
/// </summary>
[Trait("Category", "e2e")]
public sealed class OperatorVerbsTests
{
    [Fact]
    public async Task PauseMoveRebalanceResume_BehaveAsDocumentedAgainstTheLiveSystem()
    {
        var ct = TestContext.Current.CancellationToken;
        // one hot reading is enough (no smoothing): a manual round sees the spike at once; LC has 4x
        // the vCPUs' CFS weight, so three tasks left on a spiked node still see steal above steal_high
        await using var cluster = await EmulatedCluster.StartAsync(TestScenarios.FourNodes(lcWeight: 4), TestScenarios.QuickPolicy(emaAlpha: 1.0, hotAfter: 1), nodes: 4, tasks: 4);
        var admin = cluster.Admin;

        // pause: no automatic decision while node 1 is hot
        var paused = await admin.PauseAsync(new PauseRequest { Reason = "e2e" }, cancellationToken: ct);
        Assert.True(paused.Paused);
        Assert.True((await admin.GetStatusAsync(new StatusRequest(), cancellationToken: ct)).Paused);
        cluster.SetLc(1, "95%");
        // node 1 stays hot over at least three report intervals (1 s each) while paused; counting
        // distinct steal values instead would hang when the emulator's ticks give equal ratios
        DateTime? firstHot = null;
        await Eventually.WaitAsync(async () =>
        {
            var node = (await admin.ListNodesAsync(new NodesRequest(), cancellationToken: ct)).Nodes.Single(n => n.NodeId == 1);
            var hotAndFresh = node.HasStealRatio && node.StealRatio > 0.15 && node.HasReportAgeSeconds && node.ReportAgeSeconds < 2;
            if (!hotAndFresh)
            {
                firstHot = null;
                return false;
            }

            firstHot ??= DateTime.UtcNow;
            return DateTime.UtcNow - firstHot.Value >= TimeSpan.FromSeconds(3);
        }, TimeSpan.FromSeconds(40), "node 1 hot over three report intervals", cluster.Logs);
        Assert.Empty(cluster.Journal());

        // rebalance --dry-run: decisions journaled as dry-run, nothing moves
        var before = cluster.Placement();
        var dry = await Eventually.WaitAsync(async () =>
        {
            var reply = await admin.RebalanceAsync(new RebalanceRequest { DryRun = true, Wait = true, TimeoutSeconds = 30 }, cancellationToken: ct);
            return reply.Decisions.Count > 0 ? reply : null;
        }, TimeSpan.FromSeconds(40), "a dry-run manual round with decisions", cluster.Logs);
        Assert.NotEmpty(dry.Decisions);
        Assert.All(dry.Decisions, d => Assert.True(d.DryRun));
        Assert.All(cluster.Journal().Where(r => r.IsDecision() && (string?)r["trigger"] == "manual"), r => Assert.True(r.DryRun()));
        Assert.Contains(cluster.Journal(), r => r.Status() == "dry-run");
        Assert.Equal(before, cluster.Placement());

        // rebalance --wait: the tasks move, every result done
        // (a round decides nothing while the guest's newest report is stale: ask again, as an operator would)
        var real = await Eventually.WaitAsync(async () =>
        {
            var reply = await admin.RebalanceAsync(new RebalanceRequest { Wait = true, TimeoutSeconds = 60 }, cancellationToken: ct);
            return reply.Decisions.Count > 0 ? reply : null;
        }, TimeSpan.FromSeconds(40), "a manual round with decisions", cluster.Logs);
        Assert.False(real.TimedOut);
        Assert.NotEmpty(real.Decisions);
        Assert.All(real.Decisions, d => Assert.False(d.DryRun));
        Assert.Equal(real.Decisions.Count, real.Results.Count);
        Assert.All(real.Results, r => Assert.Equal(MigrationStatus.Done, r.Status));
        var placement = cluster.Placement();
        Assert.All(real.Decisions, d => Assert.Contains(placement, p => p.Pid == d.Pid && p.CpuNode == (int)d.ToNode));

        // move: one task to node 2, waited for (asked again while the task is in its cooldown)
        var first = cluster.Placement()[0].Pid;
        var move = await Eventually.WaitAsync(async () =>
        {
            var reply = await admin.MoveAsync(new MoveRequest { Pid = first, ToNode = 2, Wait = true, TimeoutSeconds = 30 }, cancellationToken: ct);
            return reply.Decision is not null && reply.Result is not null ? reply : null;
        }, TimeSpan.FromSeconds(40), "the move accepted", cluster.Logs);
        Assert.False(move.TimedOut);
        Assert.Equal(MigrationStatus.Done, move.Result.Status);
        Assert.Equal(MigrationTrigger.Move, move.Decision.Trigger);
        Assert.Contains(cluster.Placement(), p => p.Pid == first && p.CpuNode == 2 && p.PageNode == 2);

        // resume: automatic rounds act again
        var resumed = await admin.ResumeAsync(new ResumeRequest(), cancellationToken: ct);
        Assert.False(resumed.Paused);
        var count = cluster.Journal().Count;
        var busiest = cluster.Placement().GroupBy(p => p.CpuNode).OrderByDescending(g => g.Count()).First().Key;
        cluster.SetLc(1, "10%");
        cluster.SetLc(busiest, "95%");
        await Eventually.WaitAsync(() => cluster.Journal().Skip(count).Any(r => r.IsDecision() && (string?)r["trigger"] == "auto"),
            TimeSpan.FromSeconds(40), "an automatic decision after resume", cluster.Logs);
    }
}
