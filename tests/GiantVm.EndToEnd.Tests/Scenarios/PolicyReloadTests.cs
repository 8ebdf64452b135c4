using GiantVm.Contracts.V1;
using GiantVm.EndToEnd.Tests.Infrastructure;

namespace GiantVm.EndToEnd.Tests.Scenarios;

/// <summary>Issue 8, scenario 5: reloading an invalid policy, then a valid one, on the live coordinator.</summary>
[Trait("Category", "e2e")]
public sealed class PolicyReloadTests
{
    [Fact]
    public async Task ReloadInvalidPolicy_IsRejectedAndTheOldOneKeepsDeciding_ThenAValidOneTakesEffectNextRound()
    {
        await using var cluster = await EmulatedCluster.StartAsync(TestScenarios.FourNodes(), TestScenarios.QuickPolicy(), nodes: 4, tasks: 4);
        var before = await cluster.Admin.GetPolicyAsync(new GetPolicyRequest(), cancellationToken: TestContext.Current.CancellationToken);

        var invalid = await cluster.Admin.ReloadPolicyAsync(new ReloadPolicyRequest { Content = "name: broken\nmode: sideways\n", SourceName = "broken.yaml" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(invalid.Accepted);
        Assert.Contains(invalid.Errors, e => e.StartsWith("broken.yaml:2:", StringComparison.Ordinal) && e.Contains("mode", StringComparison.Ordinal));
        var still = await cluster.Admin.GetPolicyAsync(new GetPolicyRequest(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(before.Info.Version, still.Info.Version);
        Assert.Equal("e2e-quick", still.Info.Name);

        // the old policy still decides: a spike on node 1 moves the tasks for real
        cluster.SetLc(1, "95%");
        var best = cluster.LowestStealNodeForAllTasks();
        await Eventually.WaitAsync(() => cluster.Placement().All(p => p.CpuNode == best && p.PageNode == best)
                && cluster.Journal().Where(r => r.IsDecision()).All(d => cluster.Journal().ResultOf(d) is not null),
            TimeSpan.FromSeconds(40), $"the old policy's moves to node {best} done", cluster.Logs);
        Assert.All(cluster.Journal().Where(r => r.IsDecision()), d => Assert.False(d.DryRun()));

        // a valid policy (dry-run) is accepted and the next rounds decide with it
        var valid = await cluster.Admin.ReloadPolicyAsync(new ReloadPolicyRequest
        {
            Content = TestScenarios.QuickPolicy("dry_run: true").Replace("name: e2e-quick", "name: e2e-dry", StringComparison.Ordinal),
            SourceName = "dry.yaml",
        }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(valid.Accepted, string.Join("; ", valid.Errors));
        Assert.Equal(before.Info.Version + 1, valid.Info.Version);
        Assert.True(valid.Info.DryRun);
        Assert.Contains("dry_run", valid.Diff, StringComparison.Ordinal);

        // The old policy may still have decided a move just before the reload was answered (the
        // tasks can settle and move again); its rows reach the migration log up to a second later
        // (the read model trails the store). So "after the reload" is by the decision's own time,
        // and the placement to keep is taken once every real decision made before it is done.
        var reloaded = DateTimeOffset.UtcNow;
        await Eventually.WaitAsync(() => DateTimeOffset.UtcNow - reloaded > TimeSpan.FromSeconds(2)
                && cluster.Journal().Where(r => r.IsDecision() && !r.DryRun()).All(d => cluster.Journal().ResultOf(d) is not null),
            TimeSpan.FromSeconds(40), "the moves decided before the reload done", cluster.Logs);
        var placement = cluster.Placement();
        cluster.SetLc(1, "10%");
        cluster.SetLc(best, "95%");
        await Eventually.WaitAsync(() => cluster.Journal().Any(r => r.IsDecision() && r.Time() > reloaded),
            TimeSpan.FromSeconds(30), "a decision under the reloaded policy", cluster.Logs);
        var after = cluster.Journal().Where(r => r.IsDecision() && r.Time() > reloaded).ToList();
        Assert.All(after, d => Assert.True(d.DryRun(), "decisions after the reload are dry-run"));
        Assert.Equal(placement, cluster.Placement());
    }
}
