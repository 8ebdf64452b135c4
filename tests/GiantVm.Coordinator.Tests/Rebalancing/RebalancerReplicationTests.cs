using Akka.Actor;
using Akka.Hosting;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Journal;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Coordinator.Replication;
using GiantVm.Coordinator.Tests.Replication;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GiantVm.Coordinator.Tests.Rebalancing;

/// <summary>The rebalancer over a replicated log of three members' replicas (actors in one test system).</summary>
public sealed class RebalancerReplicationTests : Akka.Hosting.TestKit.TestKit, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly TestReplicas _replicas;

    public RebalancerReplicationTests() => _replicas = new TestReplicas(_time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Policy TestPolicy => ShippedPolicies.Load("demo").Policy! with { Interval = TimeSpan.FromHours(1), HotAfter = 1 };

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    public void Dispose() => _replicas.Dispose();

    private (IActorRef Replica, FileMigrationJournal Journal, StateFile State) Member(string name, IEnumerable<ReplicatedEntry>? existing = null)
    {
        var member = _replicas.Start(Sys, name, existing);
        return (member.Actor, member.Journal, member.State);
    }

    /// <summary>The acknowledgement timeout of tests whose majority goes away: each refused write waits
    /// this long, and the writes before (with a majority) must succeed within it on a loaded machine.</summary>
    private static readonly TimeSpan FailingAck = TimeSpan.FromSeconds(3);

    private IActorRef Rebalancer(IActorRef local, Func<IReadOnlyList<ICanTell>> targets, TimeSpan? ackTimeout = null)
    {
        var replication = new JournalReplication(local, targets, 3, ackTimeout ?? TimeSpan.FromSeconds(30), NullLogger.Instance);
        return Sys.ActorOf(RebalancerActor.Props(
            new RebalancerSettings("giantvm", "member-a", "demo"),
            new PolicyInForce(TestPolicy, "name: demo\n", "demo", 1, T0), replication, _time, NullLogger<RebalancerActor>.Instance));
    }

    private async Task<RebalancerView> RecoveredViewAsync(IActorRef rebalancer)
    {
        RebalancerView? view = null;
        await AwaitAssertAsync(async () =>
        {
            view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);
            Assert.True(view.MajorityAvailable);
        }, TimeSpan.FromSeconds(10), cancellationToken: Ct);
        return view!;
    }

    private GuestReportReceived HotNodeZero() => new(new GuestReportData(
        _time.GetUtcNow(),
        [new GuestNodeData(0, "0-1", 0.6, 0.5, 8L << 30, 4L << 30), new GuestNodeData(1, "2-3", 0.0, 0.1, 8L << 30, 6L << 30), new GuestNodeData(2, "4-5", 0.0, 0.1, 8L << 30, 6L << 30)],
        [new TaskSnapshot(4242, 0) { StartTime = 99, Comm = "stress", RssBytes = 1 << 20, CpuCores = 1 }]), _time.GetUtcNow());

    private static ReplicatedEntry Change(long seq, string kind, int? node = null, string? policy = null, int? version = null) => ReplicatedEntry.Of(new StateRecord
    {
        Id = $"s-{seq}",
        Seq = seq,
        Kind = kind,
        Time = T0.AddMinutes(-5),
        Node = node,
        PolicyText = policy,
        PolicySource = policy is null ? null : "tuned.yaml",
        PolicyVersion = version,
    });

    [Fact]
    public async Task Start_TakesPolicyDrainedAndPausedFromTheReplicatedLog_OfTheMemberThatIsAhead()
    {
        var (local, _, localState) = Member("a");
        var (ahead, _, _) = Member("b", [
            Change(1, StateKinds.Policy, policy: "name: tuned\nmode: all-be\n", version: 4),
            Change(2, StateKinds.Drain, node: 2),
            Change(3, StateKinds.Pause)]);
        var silent = CreateTestProbe();

        var view = await RecoveredViewAsync(Rebalancer(local, () => [local, ahead, silent.Ref]));

        Assert.Equal(("tuned", 4, PolicyMode.AllBe), (view.Policy.Policy.Name, view.Policy.Version, view.Policy.Policy.Mode));
        Assert.Equal([2], view.Drained);
        Assert.True(view.Paused);
        Assert.Equal(3, view.LogPosition);
        Assert.Equal(["s-1", "s-2", "s-3"], localState.ReadAll().Select(s => s.Id)); // caught up into its own folder first
    }

    [Fact]
    public async Task Start_FillsAHoleInThisMembersLog_EvenWhenItsHighestPositionIsTheMajoritys()
    {
        var (local, _, localState) = Member("a", [Change(1, StateKinds.Drain, node: 1), Change(3, StateKinds.Pause)]); // 2 never arrived
        var (other, _, _) = Member("b", [Change(1, StateKinds.Drain, node: 1), Change(2, StateKinds.Drain, node: 2), Change(3, StateKinds.Pause)]);

        var view = await RecoveredViewAsync(Rebalancer(local, () => [local, other, CreateTestProbe().Ref]));

        Assert.Equal([1, 2], view.Drained);
        Assert.Equal(["s-1", "s-2", "s-3"], localState.ReadAll().Select(s => s.Id).Order());
    }

    [Fact]
    public async Task Start_RebuildsCooldownsFromTheCaughtUpJournal_SoAFailoverMovesNothingAgain()
    {
        var (local, _, _) = Member("a");
        var moved = new JournalRecord
        {
            Id = "r-1", Kind = JournalKinds.Decision, MigrationId = "m-1", CommandId = "c-1", Time = T0.AddSeconds(-20),
            Pid = 4242, StartTime = 99, From = 1, To = 0, Status = MigrationStatuses.Pending, Member = "member-b", Seq = 1,
        };
        var (ahead, _, _) = Member("b", [ReplicatedEntry.Of(moved), ReplicatedEntry.Of(moved with { Id = "r-2", Kind = JournalKinds.Result, Status = MigrationStatuses.Done, Seq = 2 })]);
        var sessions = CreateTestProbe();
        var rebalancer = Rebalancer(local, () => [local, ahead, CreateTestProbe().Ref]);
        await RecoveredViewAsync(rebalancer);

        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        rebalancer.Tell(RunRound.Instance);
        var view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);

        Assert.True(view.Nodes.Single(n => n.Id == 0).Hot);
        Assert.Equal(0, view.LastRoundDecisions); // 4242 came from node 1 20 s ago: cooldown and return block hold
        await sessions.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300), Ct);
    }

    [Fact]
    public async Task Decision_WithoutAMajority_SendsNoCommand_AndTheViewSaysSo()
    {
        var (local, journal, _) = Member("a");
        var (other, _, _) = Member("b");
        var sessions = CreateTestProbe();
        var rebalancer = Rebalancer(local, () => [local, other, CreateTestProbe().Ref], FailingAck);
        await RecoveredViewAsync(rebalancer);
        await WatchAsync(other, () => Sys.Stop(other)); // one of three left

        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        var outcome = await rebalancer.Ask<RebalanceOutcome>(new RebalanceNow(DryRun: false), TimeSpan.FromSeconds(10), Ct);
        var view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, TimeSpan.FromSeconds(5), Ct);

        Assert.Empty(outcome.Decisions);
        Assert.Contains("no majority", outcome.Message, StringComparison.Ordinal);
        Assert.False(view.MajorityAvailable);
        Assert.Contains("no majority", view.MajorityProblem, StringComparison.Ordinal);
        await sessions.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300), Ct);
        var records = journal.ReadAll();
        Assert.Equal(2, records.Count); // written here, never acknowledged, never sent: cancelled right after, in the same log
        var migration = Assert.Single(MigrationHistory.Fold(records));
        Assert.Equal((MigrationStatuses.Failed, RebalancerActor.NotSentError), (migration.Status, migration.Latest.Error));
        Assert.True(migration.Latest.Seq > migration.Decision.Seq);
    }

    [Fact]
    public async Task Decision_WithoutAMajority_IsNotRestoredAsPending_AfterAFailover()
    {
        var (local, _, _) = Member("a");
        var (other, _, _) = Member("b");
        var sessions = CreateTestProbe();
        var first = Rebalancer(local, () => [local, other, CreateTestProbe().Ref], FailingAck);
        await RecoveredViewAsync(first);
        await WatchAsync(other, () => Sys.Stop(other));
        first.Tell(HotNodeZero(), sessions.Ref);
        Assert.Empty((await first.Ask<RebalanceOutcome>(new RebalanceNow(DryRun: false), TimeSpan.FromSeconds(10), Ct)).Decisions);
        await WatchAsync(first, () => Sys.Stop(first));

        var fresh = Member("c").Replica; // a new member's rebalancer catches up from the one that wrote the orphan
        var next = await RecoveredViewAsync(Rebalancer(fresh, () => [fresh, local, CreateTestProbe().Ref]));

        Assert.Equal(0, next.PendingCommands);
    }

    [Fact]
    public async Task Majority_WhenAMemberAnswersAgain_IsBackAtTheNextRound_AndCommandsFlowAgain()
    {
        var (local, _, _) = Member("a");
        var (other, _, _) = Member("b");
        var current = other;
        var sessions = CreateTestProbe();
        var rebalancer = Rebalancer(local, () => [local, current, CreateTestProbe().Ref], FailingAck);
        await RecoveredViewAsync(rebalancer);
        await WatchAsync(other, () => Sys.Stop(other));
        rebalancer.Tell(HotNodeZero(), sessions.Ref);
        Assert.Empty((await rebalancer.Ask<RebalanceOutcome>(new RebalanceNow(DryRun: false), TimeSpan.FromSeconds(10), Ct)).Decisions);

        current = Member("c").Replica; // a member back (its replica answers)
        rebalancer.Tell(RunRound.Instance);

        var view = await RecoveredViewAsync(rebalancer);
        Assert.Null(view.MajorityProblem);
        await sessions.ExpectMsgAsync<DeliverToGuest>(cancellationToken: Ct);
    }

    [Fact]
    public async Task Drain_IsWrittenToAMajorityBeforeItTakesEffect_AndRefusedWithoutOne()
    {
        var (local, _, localState) = Member("a");
        var (other, _, otherState) = Member("b");
        var rebalancer = Rebalancer(local, () => [local, other, CreateTestProbe().Ref], FailingAck);
        await RecoveredViewAsync(rebalancer);

        var drained = await rebalancer.Ask<DrainOutcome>(new DrainNode(1, Evacuate: false), TimeSpan.FromSeconds(10), Ct);
        await WatchAsync(other, () => Sys.Stop(other));
        var refused = await rebalancer.Ask<DrainOutcome>(new DrainNode(2, Evacuate: false), TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([1], drained.Drained);
        Assert.Null(drained.Unavailable);
        Assert.Single(otherState.ReadAll(), s => s.Kind == StateKinds.Drain && s.Node == 1);
        Assert.Equal([1], refused.Drained);
        Assert.Contains("no majority", refused.Unavailable, StringComparison.Ordinal);
        var written = localState.ReadAll();
        Assert.Equal(3, written.Count); // the refused drain reached this member's replica, and so did its abort
        Assert.Equal(written[1].Id, Assert.Single(written, s => s.Kind == StateKinds.Abort).Aborts);
        Assert.Equal([1], ReplicatedState.Fold(written, "giantvm").Drained);
    }

    [Fact]
    public async Task Drain_RefusedWithoutAMajority_DoesNotComeIntoForceAfterAFailover()
    {
        var (local, _, _) = Member("a");
        var (other, _, _) = Member("b");
        var first = Rebalancer(local, () => [local, other, CreateTestProbe().Ref], FailingAck);
        await RecoveredViewAsync(first);
        await WatchAsync(other, () => Sys.Stop(other));
        Assert.NotNull((await first.Ask<DrainOutcome>(new DrainNode(2, Evacuate: false), TimeSpan.FromSeconds(10), Ct)).Unavailable);
        Assert.NotNull((await first.Ask<PauseState>(new PauseRebalancing("x"), TimeSpan.FromSeconds(10), Ct)).Unavailable);
        await WatchAsync(first, () => Sys.Stop(first));

        var (fresh, _, freshState) = Member("c"); // a new member's rebalancer catches up from the one that wrote the orphans
        var view = await RecoveredViewAsync(Rebalancer(fresh, () => [fresh, local, CreateTestProbe().Ref]));

        Assert.Empty(view.Drained);
        Assert.False(view.Paused);
        Assert.Equal(4, freshState.ReadAll().Count); // the orphans travelled, and their aborts with them
    }

    [Fact]
    public async Task Reload_WithoutAMajority_IsUnavailable_NotRejected_AndTheOldPolicyStays()
    {
        var (local, _, _) = Member("a");
        var (other, _, _) = Member("b");
        var rebalancer = Rebalancer(local, () => [local, other, CreateTestProbe().Ref], FailingAck);
        await RecoveredViewAsync(rebalancer);
        await WatchAsync(other, () => Sys.Stop(other));

        var outcome = await rebalancer.Ask<PolicyReloadOutcome>(new ReloadPolicy("name: tuned\nmode: all-be\n", "tuned.yaml", "test"), TimeSpan.FromSeconds(10), Ct);

        Assert.False(outcome.Accepted);
        Assert.Empty(outcome.Errors); // nothing wrong with the policy
        Assert.StartsWith("policy reload not recorded: no majority", outcome.Unavailable, StringComparison.Ordinal);
        Assert.Equal(("demo", 1), (outcome.Policy.Policy.Name, outcome.Policy.Version));
    }

    private async Task WatchAsync(IActorRef actor, Action stop)
    {
        var probe = CreateTestProbe();
        probe.Watch(actor);
        stop();
        await probe.ExpectTerminatedAsync(actor, cancellationToken: Ct);
    }
}
