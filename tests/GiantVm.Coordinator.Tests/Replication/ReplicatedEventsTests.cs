using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Coordinator.Replication;
using GiantVm.Scheduling.Journal;
using static GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping.BookkeepingFixture;

namespace GiantVm.Coordinator.Tests.Replication;

public sealed class ReplicatedEventsTests
{
    private static readonly DateTimeOffset Now = T0.AddHours(2);

    private static JournalRecord Decision(string migration, DateTimeOffset time, bool dryRun = false, string vm = "giantvm") => new()
    {
        Id = "r-" + migration, Kind = JournalKinds.Decision, MigrationId = migration, CommandId = dryRun ? null : "c-" + migration, Time = time, Vm = vm,
        DryRun = dryRun, Pid = 4242, StartTime = 99, From = 0, To = 1, Status = dryRun ? MigrationStatuses.DryRun : MigrationStatuses.Pending,
    };

    private static JournalRecord Result(JournalRecord decision, string status, string? error = null) =>
        decision with { Id = decision.Id + "-result", Kind = JournalKinds.Result, Time = decision.Time.AddSeconds(2), Status = status, Error = error };

    [Theory]
    [InlineData(MigrationStatuses.Done, null, ResultOrigins.Agent)]
    [InlineData(MigrationStatuses.Failed, "executor: EPERM", ResultOrigins.Agent)]
    [InlineData(MigrationStatuses.Timeout, "no result by the deadline 2026-11-25T12:00:30.0000000+00:00", ResultOrigins.Deadline)]
    [InlineData(MigrationStatuses.Failed, "command not delivered: no guest agent connected for vm giantvm", ResultOrigins.Undelivered)]
    [InlineData(MigrationStatuses.Failed, ReplicatedEvents.NotSentError, ResultOrigins.NotSent)]
    public void OriginOf_TellsWhoWroteAResult_FromItsStatusAndError(string status, string? error, string origin) =>
        Assert.Equal(origin, ReplicatedEvents.OriginOf(Result(Decision("m", T0), status, error)));

    [Theory]
    [InlineData(-20, MigrationStatuses.Done, false, true)] // a real move of the last day: cooldown
    [InlineData(-20, MigrationStatuses.Timeout, false, true)] // may have moved
    [InlineData(-20, MigrationStatuses.Failed, false, false)] // did not move
    [InlineData(-20, MigrationStatuses.Refused, false, false)]
    [InlineData(-20, null, false, true)] // still pending
    [InlineData(-20, null, true, false)] // dry-run
    [InlineData(-90_000, MigrationStatuses.Done, false, false)] // more than a day ago
    public void ToEvents_KeepsCooldownsOnlyForRealRecentMovesThatMayHaveHappened(int secondsAgo, string? status, bool dryRun, bool holds)
    {
        var decision = Decision("m-1", Now.AddSeconds(secondsAgo), dryRun);
        var entries = new List<ReplicatedEntry> { ReplicatedEntry.Of(decision) };
        if (status is not null)
        {
            entries.Add(ReplicatedEntry.Of(Result(decision, status)));
        }

        var events = ReplicatedEvents.ToEvents(new ReplicaLog(entries, entries.Count), "giantvm", InForce(), Now);

        var decided = Assert.IsType<Decided>(events[0]);
        Assert.Equal(holds, decided.HoldsCooldown);
        Assert.Equal(dryRun ? null : decision.Time + InForce().Policy.CommandTimeout, decided.Deadline);
        Assert.Equal(status is null ? 1 : 2, events.Count);
    }

    [Fact]
    public void ToEvents_LeavesOutOtherInstances_AndAbortedChanges()
    {
        var other = Decision("m-x", Now, vm: "other");
        var aborted = Change(2, StateKinds.Drain) with { Node = 2 };
        var entries = new List<ReplicatedEntry>
        {
            ReplicatedEntry.Of(Change(1, StateKinds.Drain) with { Node = 1 }),
            ReplicatedEntry.Of(aborted),
            ReplicatedEntry.Of(Change(3, StateKinds.Abort) with { Aborts = aborted.Id }),
            ReplicatedEntry.Of(Change(4, StateKinds.Pause) with { Reason = "window" }),
            ReplicatedEntry.Of(other),
        };

        var book = Book();
        book.ApplyAll(ReplicatedEvents.ToEvents(new ReplicaLog(entries, 5), "giantvm", InForce(), Now));

        Assert.Equal([1], book.Drained);
        Assert.Equal((true, "window"), (book.Paused, book.PauseReason));
        Assert.Empty(book.Pending);
    }

    [Fact]
    public void ToEntry_ThenToEvents_GivesBackTheStateTheEventsBuilt()
    {
        var live = HotBook();
        var text = PolicyText(cooldown: "45s");
        var events = new List<RebalancerEvent>
        {
            live.PlanReload(T0, GiantVm.Scheduling.Policies.PolicyLoader.Load(text, "p.yaml"), text, "p.yaml").Event!,
            Assert.Single(live.PlanRound(T0, live.Policy.Policy, MigrationTriggers.Auto, keepState: true).Decisions).Event,
            live.PlanDrain(T0, 1, evacuate: false).Event!,
            live.PlanPause(T0, "window"),
        };
        live.ApplyAll(events);
        var seq = 0L;
        var entries = events.Select(e => ReplicatedEvents.ToEntry(e, "giantvm", ++seq, prefix => $"{prefix}-{seq}")).ToList();

        var replayed = Book();
        replayed.ApplyAll(ReplicatedEvents.ToEvents(new ReplicaLog(entries, seq), "giantvm", replayed.Policy, T0.AddSeconds(1)));

        Assert.Equal([1L, 2, 3, 4], entries.Select(e => e.Seq));
        Assert.Equal((live.Policy.Version, live.Policy.Text), (replayed.Policy.Version, replayed.Policy.Text));
        Assert.Equal(live.Drained, replayed.Drained);
        Assert.Equal((live.Paused, live.PauseReason), (replayed.Paused, replayed.PauseReason));
        Assert.Equal(live.Pending.Keys, replayed.Pending.Keys);
        Assert.Equal(live.State.LastMoves, replayed.State.LastMoves);
    }

    private static StateRecord Change(long seq, string kind) =>
        new() { Id = "s-" + seq, Seq = seq, Kind = kind, Time = Now, Vm = "giantvm", Member = "member-b" };
}
