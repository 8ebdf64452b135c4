using GiantVm.Contracts.V1;
using GiantVm.EndToEnd.Tests.Infrastructure;

namespace GiantVm.EndToEnd.Tests.Scenarios;

/// <summary>Issue 8, scenario 4: the guest agent is killed with a move in flight, then restarted.</summary>
[Trait("Category", "e2e")]
public sealed class GuestAgentRestartTests
{
    [Fact]
    public async Task GuestAgentKilledMidMove_InFlightCommandEndsFailedOrTimeout_AgentReconnects_AndMigrationsResume()
    {
        // 64 MiB at 16 MiB/s: each move takes the emulator about 4 s
        await using var cluster = await EmulatedCluster.StartAsync(
            TestScenarios.FourNodes(migrateRate: "16MiB", rss: "64MiB"), TestScenarios.QuickPolicy(), nodes: 4, tasks: 4);

        cluster.SetLc(1, "95%");
        await Eventually.WaitAsync(() => cluster.Journal().Any(r => r.IsDecision()) && (int)cluster.Status()["moves_in_progress"]! > 0,
            TimeSpan.FromSeconds(30), "a move in flight", cluster.Logs);
        cluster.GuestAgent.Kill();
        // the migration log (the store's read model) trails the journal by a poll (250 ms): let it
        // show every result the guest sent before it died
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        var inFlight = cluster.Journal().Where(r => r.IsDecision()).ToList();
        var unanswered = inFlight.Where(d => cluster.Journal().ResultOf(d) is null).ToList();
        Assert.NotEmpty(unanswered);

        cluster.StartGuestAgent();
        await Eventually.WaitAsync(async () =>
        {
            var status = await cluster.Admin.GetStatusAsync(new StatusRequest(), cancellationToken: TestContext.Current.CancellationToken);
            return status.Agents.Count(a => a.Role == AgentRole.Guest) == 1 && status.Agents.Count == 5;
        }, TimeSpan.FromSeconds(60), "the restarted guest agent connected", cluster.Logs);

        // every command that was in flight at the kill ends failed or timeout, never done
        await Eventually.WaitAsync(() => unanswered.All(d => cluster.Journal().ResultOf(d) is not null),
            TimeSpan.FromSeconds(60), "results for the commands in flight at the kill", cluster.Logs);
        var journal = cluster.Journal();
        Assert.All(unanswered, d => Assert.Contains(journal.ResultOf(d)!.Status(), new[] { "failed", "timeout" }));

        // migrations resume: the emulator finished the moves it had taken; a new spike on the
        // tasks' node is handled by the restarted agent and ends done
        await Eventually.WaitAsync(() => (int)cluster.Status()["moves_in_progress"]! == 0, TimeSpan.FromSeconds(60), "the emulator's moves to finish", cluster.Logs);
        var before = cluster.Journal().Count;
        var tasksNode = cluster.Placement().GroupBy(p => p.CpuNode).OrderByDescending(g => g.Count()).First().Key;
        cluster.SetLc(1, "10%");
        cluster.SetLc(tasksNode, "95%");
        await Eventually.WaitAsync(() => cluster.Journal().Skip(before).Any(r => r.IsResult() && r.Status() == "done"),
            TimeSpan.FromSeconds(60), "a migration done after the restart", cluster.Logs);
        var resumed = cluster.Journal().Skip(before).Where(r => r.IsResult() && r.Status() == "done").ToList();
        Assert.All(resumed, r => Assert.DoesNotContain(unanswered, d => d.MigrationId() == r.MigrationId()));
    }
}
