using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Journal;
using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Tests.Persistence;
using Microsoft.Data.Sqlite;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GiantVm.Coordinator.Tests.Rebalancing;

public sealed class RebalancerActorTests : Akka.Hosting.TestKit.TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("giantvm-rebalancer-");
    private StoredLog? _journal;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The demo policy, hot after one reading, with rounds driven by the test (no timer firing).</summary>
    private static Policy TestPolicy => ShippedPolicies.Load("demo").Policy! with { Interval = TimeSpan.FromHours(1), HotAfter = 1 };

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.WithRebalancerStore(StoreLocation.Parse("sqlite:" + Path.Combine(_folder.FullName, "giantvm.db")));

    /// <summary>The test kit disposes asynchronously: remove the database after the system stops.</summary>
    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private (IActorRef Rebalancer, TestProbe Sessions, StoredLog Journal) Start(Policy? policy = null, Action? afterJournaled = null)
    {
        _journal = new StoredLog(Sys);
        var sessions = CreateTestProbe();
        var inForce = new PolicyInForce(policy ?? TestPolicy, "name: demo\n", "demo", 1, T0);
        var rebalancer = Sys.ActorOf(RebalancerActor.Props(
            new RebalancerSettings("giantvm", "member-a", "demo", afterJournaled),
            inForce, snapshotEvery: 100, _time, NullLogger<RebalancerActor>.Instance));
        return (rebalancer, sessions, _journal);
    }

    /// <summary>Waits until the rebalancer has read the log back (its view says the majority is there).</summary>
    private async Task WaitRecoveredAsync(IActorRef rebalancer) =>
        await AwaitAssertAsync(async () =>
            Assert.True((await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct)).Recording),
            TimeSpan.FromSeconds(10), cancellationToken: Ct);

    private GuestReportReceived HotNodeZero() => new(new GuestReportData(
        _time.GetUtcNow(),
        [new GuestNodeData(0, "0-1", 0.6, 0.5, 8L << 30, 4L << 30), new GuestNodeData(1, "2-3", 0.0, 0.1, 8L << 30, 6L << 30)],
        [new TaskSnapshot(4242, 0) { StartTime = 99, Comm = "stress", RssBytes = 1 << 20, CpuCores = 1 }]), _time.GetUtcNow());

    private static MigrationResultReceived Result(MigrateCommand command, MigrationStatus status) => new(
        AgentMessageConverter.ToData(new MigrationResult
        {
            CommandId = command.CommandId,
            MigrationId = command.MigrationId,
            Pid = command.Pid,
            Status = status,
            PagesMoved = 256,
            DurationMs = 12,
        }),
        DateTimeOffset.UtcNow);

    [Fact]
    public async Task Round_WhenANodeIsHot_JournalsTheDecisionBeforeSendingItsCommand()
    {
        var journaledBeforeSend = new List<int>();
        // the hook runs once the store has persisted the decision and before its command is sent
        var (rebalancer, sessions, journal) = Start(afterJournaled: () => journaledBeforeSend.Add(journaledBeforeSend.Count + 1));

        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        rebalancer.Tell(RunRound.Instance);

        var deliver = await sessions.ExpectMsgAsync<DeliverToGuest>(TimeSpan.FromSeconds(5), cancellationToken: Ct);
        var command = deliver.Message.Migrate;
        Assert.Equal((4242, 1u), (command.Pid, command.ToNode));
        Assert.Equal([0u], command.FromNodes);
        Assert.Equal([1], journaledBeforeSend);
        var decision = Assert.Single(journal.ReadAll());
        Assert.Equal((JournalKinds.Decision, MigrationStatuses.Pending, command.CommandId, command.MigrationId, "member-a"),
            (decision.Kind, decision.Status, decision.CommandId, decision.MigrationId, decision.Member));
        Assert.True(command.Deadline.ToDateTimeOffset() > T0);
    }

    [Fact]
    public async Task Result_IsJournaledAsTheMigrationsFinalStatus()
    {
        var (rebalancer, sessions, journal) = Start();
        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        rebalancer.Tell(RunRound.Instance);
        var command = (await sessions.ExpectMsgAsync<DeliverToGuest>(cancellationToken: Ct)).Message.Migrate;

        rebalancer.Tell(Result(command, MigrationStatus.Done));

        await AwaitAssertAsync(() =>
        {
            var history = Assert.Single(MigrationHistory.Fold(journal.ReadAll()));
            Assert.Equal(MigrationStatuses.Done, history.Status);
            Assert.Equal(256, history.Latest.PagesMoved);
            Assert.Equal((0, 1), (history.Latest.From, history.Latest.To));
        }, TimeSpan.FromSeconds(5), cancellationToken: Ct);
    }

    [Fact]
    public async Task Results_ReceivedTogether_AreEachJournaledOnce_InTheOrderReceived()
    {
        var (rebalancer, sessions, journal) = Start();
        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        rebalancer.Tell(RunRound.Instance);
        var command = (await sessions.ExpectMsgAsync<DeliverToGuest>(cancellationToken: Ct)).Message.Migrate;
        // more than one write takes (RebalancerActor.ResultBatchLimit), the real result re-sent among them
        var unknown = Enumerable.Range(0, RebalancerActor.ResultBatchLimit + 100)
            .Select(i => new MigrateCommand { CommandId = $"c-unknown-{i}", MigrationId = $"m-unknown-{i}", Pid = 7 }).ToList();
        List<MigrateCommand> sent = [command, .. unknown.Take(10), command, .. unknown.Skip(10)];

        foreach (var c in sent)
        {
            rebalancer.Tell(Result(c, MigrationStatus.Done));
        }

        await AwaitAssertAsync(() =>
        {
            var results = journal.ReadAll().Where(r => r.Kind == JournalKinds.Result).Select(r => r.CommandId).ToList();
            Assert.Equal([command.CommandId, .. unknown.Select(c => c.CommandId)], results);
        }, TimeSpan.FromSeconds(20), cancellationToken: Ct);
        var view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(0, view.PendingCommands);
    }

    [Fact]
    public async Task Result_AfterTheDeadline_IsStillJournaledAfterTheTimeout()
    {
        var (rebalancer, sessions, journal) = Start(TestPolicy with { CommandTimeout = TimeSpan.FromMilliseconds(100) });
        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        rebalancer.Tell(RunRound.Instance);
        var command = (await sessions.ExpectMsgAsync<DeliverToGuest>(cancellationToken: Ct)).Message.Migrate;
        await AwaitAssertAsync(() => Assert.Contains(journal.ReadAll(), r => r.Status == MigrationStatuses.Timeout), TimeSpan.FromSeconds(5), cancellationToken: Ct);

        rebalancer.Tell(Result(command, MigrationStatus.Partial));

        await AwaitAssertAsync(() =>
        {
            var statuses = journal.ReadAll().Select(r => r.Status).ToList();
            Assert.Equal([MigrationStatuses.Pending, MigrationStatuses.Timeout, MigrationStatuses.Partial], statuses);
            Assert.Equal(MigrationStatuses.Partial, Assert.Single(MigrationHistory.Fold(journal.ReadAll())).Status);
        }, TimeSpan.FromSeconds(5), cancellationToken: Ct);
    }

    [Fact]
    public async Task Command_WithoutAGuestSession_IsJournaledAsFailed()
    {
        var (rebalancer, sessions, journal) = Start();
        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        rebalancer.Tell(RunRound.Instance);
        var deliver = await sessions.ExpectMsgAsync<DeliverToGuest>(cancellationToken: Ct);

        sessions.Reply(new CommandUndeliverable(deliver.CommandId, "no guest agent connected for vm giantvm"));

        await AwaitAssertAsync(() =>
        {
            var last = journal.ReadAll()[^1];
            Assert.Equal(MigrationStatuses.Failed, last.Status);
            Assert.Contains("no guest agent", last.Error, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(5), cancellationToken: Ct);
    }

    [Fact]
    public async Task Start_RebuildsCooldownsFromTheStore_SoTheTaskIsNotMovedAgain()
    {
        var (first, firstSessions, _) = Start();
        first.Tell(HotNodeZero(), firstSessions.Ref);
        first.Tell(RunRound.Instance);
        var command = (await firstSessions.ExpectMsgAsync<DeliverToGuest>(cancellationToken: Ct)).Message.Migrate;
        first.Tell(Result(command, MigrationStatus.Done));
        await AwaitAssertAsync(() => Assert.Contains(_journal!.ReadAll(), r => r.Kind == JournalKinds.Result), TimeSpan.FromSeconds(5), cancellationToken: Ct);
        await WatchAsync(first);
        first.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(first, cancellationToken: Ct);

        // the task is back on node 0 and node 0 is hot again: the new rebalancer knows it just moved
        var (rebalancer, sessions, _) = Start();
        await WaitRecoveredAsync(rebalancer);

        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        rebalancer.Tell(RunRound.Instance);
        var view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);

        Assert.NotNull(view.State.LastMoveOf(4242, 99));
        Assert.Equal(0, view.LastRoundDecisions);
        Assert.Equal(0, view.PendingCommands);
        Assert.True(view.Nodes.Single(n => n.Id == 0).Hot);
    }

    [Fact]
    public async Task AutoRounds_ObserveTheIntervalSinceTheInstancesPreviousRound()
    {
        var (rebalancer, sessions, _) = Start();
        await WaitRecoveredAsync(rebalancer);
        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        rebalancer.Tell(RunRound.Instance);
        await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);
        // The histogram is process-wide (other tests observe too): an hour between two rounds is
        // something only this test's fake clock produces.
        var (count, sum) = (CoordinatorMetrics.RoundInterval.Count, CoordinatorMetrics.RoundInterval.Sum);

        _time.Advance(TimeSpan.FromHours(1));
        rebalancer.Tell(RunRound.Instance);
        await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);

        Assert.True(CoordinatorMetrics.RoundInterval.Count - count >= 1);
        Assert.True(CoordinatorMetrics.RoundInterval.Sum - sum >= 3600);
    }

    [Fact]
    public async Task Paused_AutomaticRoundsDecideNothing()
    {
        var (rebalancer, sessions, _) = Start();
        await rebalancer.Ask<PauseState>(new PauseRebalancing("maintenance"), TimeSpan.FromSeconds(5), Ct);

        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        rebalancer.Tell(RunRound.Instance);
        var view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);

        Assert.True(view.Paused);
        Assert.Null(view.LastRound);
        Assert.Equal(0, view.PendingCommands);
    }

    [Fact]
    public async Task RebalanceNow_DryRun_JournalsDryRunAndSendsNothing()
    {
        var (rebalancer, sessions, journal) = Start();
        rebalancer.Tell(HotNodeZero(), sessions.Ref);

        var outcome = await rebalancer.Ask<RebalanceOutcome>(new RebalanceNow(DryRun: true), TimeSpan.FromSeconds(5), Ct);

        var decided = Assert.Single(outcome.Decisions);
        Assert.Null(decided.CommandId);
        var record = Assert.Single(journal.ReadAll());
        Assert.Equal((true, MigrationStatuses.DryRun, MigrationTriggers.Manual), (record.DryRun, record.Status, record.Trigger));
        var view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);
        Assert.Null(view.State.LastMoveOf(4242, 99));
        Assert.Equal(0, view.PendingCommands);
    }

    [Fact]
    public async Task Move_OfAnUnknownTask_IsRefused_AndAKnownOneIsSent()
    {
        var (rebalancer, sessions, journal) = Start();
        rebalancer.Tell(HotNodeZero(), sessions.Ref);

        var refused = await rebalancer.Ask<MoveOutcome>(new MoveTask(999, 1, false), TimeSpan.FromSeconds(5), Ct);
        var moved = await rebalancer.Ask<MoveOutcome>(new MoveTask(4242, 1, false), TimeSpan.FromSeconds(5), Ct);

        Assert.NotNull(refused.Refusal);
        Assert.Equal(MigrationTriggers.Move, moved.Decision?.Trigger);
        Assert.Equal(moved.Decision?.CommandId, (await sessions.ExpectMsgAsync<DeliverToGuest>(cancellationToken: Ct)).CommandId);
        Assert.Equal(MigrationTriggers.Move, Assert.Single(journal.ReadAll()).Trigger);
    }

    [Fact]
    public async Task Drain_WithEvacuate_MovesTheTasksOffTheNode()
    {
        var (rebalancer, sessions, _) = Start();
        rebalancer.Tell(HotNodeZero(), sessions.Ref);

        var outcome = await rebalancer.Ask<DrainOutcome>(new DrainNode(0, Evacuate: true), TimeSpan.FromSeconds(5), Ct);

        Assert.Equal([0], outcome.Drained);
        var evacuation = Assert.Single(outcome.Decisions);
        Assert.Equal((MigrationTriggers.Evacuate, 0, 1), (evacuation.Trigger, evacuation.Decision.From, evacuation.Decision.To));
        await sessions.ExpectMsgAsync<DeliverToGuest>(cancellationToken: Ct);
        var view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);
        Assert.True(view.Snapshot.Nodes.Single(n => n.Id == 0).Drained);
    }

    [Fact]
    public async Task Drain_OfAnUnknownNode_IsRefused()
    {
        var (rebalancer, sessions, _) = Start();
        rebalancer.Tell(HotNodeZero(), sessions.Ref);

        var outcome = await rebalancer.Ask<DrainOutcome>(new DrainNode(9, Evacuate: false), TimeSpan.FromSeconds(5), Ct);

        Assert.Contains("unknown node 9", outcome.Refusal, StringComparison.Ordinal);
        Assert.Empty(outcome.Drained);
    }

    [Fact]
    public async Task Reload_WithAnInvalidPolicy_IsRejectedAndTheOldOneStays()
    {
        var (rebalancer, _, _) = Start();

        var outcome = await rebalancer.Ask<PolicyReloadOutcome>(new ReloadPolicy("migrate:\n  max_per_round: 0\n", "new.yaml", "test"), TimeSpan.FromSeconds(5), Ct);

        Assert.False(outcome.Accepted);
        Assert.Contains(outcome.Errors, e => e.StartsWith("new.yaml:2: migrate.max_per_round", StringComparison.Ordinal));
        Assert.Equal(1, outcome.Policy.Version);
        Assert.Equal(1, (await rebalancer.Ask<PolicyInForce>(GetPolicy.Instance, TimeSpan.FromSeconds(5), Ct)).Version);
    }

    [Fact]
    public async Task Reload_WithAValidPolicy_IsInForceWithADiff()
    {
        var (rebalancer, _, _) = Start();

        var outcome = await rebalancer.Ask<PolicyReloadOutcome>(new ReloadPolicy("name: tuned\nmode: all-be\ninterval: 2s\n", "tuned.yaml", "test"), TimeSpan.FromSeconds(5), Ct);

        Assert.True(outcome.Accepted);
        Assert.Equal(2, outcome.Policy.Version);
        Assert.Equal("tuned.yaml", outcome.Policy.Source);
        Assert.Contains(outcome.Diff, line => line.StartsWith("mode:", StringComparison.Ordinal));
        Assert.Equal(PolicyMode.AllBe, (await rebalancer.Ask<PolicyInForce>(GetPolicy.Instance, TimeSpan.FromSeconds(5), Ct)).Policy.Mode);
    }
}
