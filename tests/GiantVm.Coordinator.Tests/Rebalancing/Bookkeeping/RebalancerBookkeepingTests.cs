using JournalRecord = GiantVm.Scheduling.Journal.JournalRecord;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Policies;
using static GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping.BookkeepingFixture;

namespace GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping;

public sealed class RebalancerBookkeepingTests
{
    [Fact]
    public void PlanRound_WhenANodeIsHot_ReturnsTheDecisionToRecord_AndSendsNothingYet()
    {
        var book = HotBook();

        var plan = book.PlanRound(T0, book.Policy.Policy, MigrationTriggers.Auto, keepState: true);

        var planned = Assert.Single(plan.Decisions);
        var record = planned.Event.Decision;
        Assert.Equal((4242, 0, 1, MigrationStatuses.Pending, "c-1"), (record.Pid, record.From, record.To, record.Status, record.CommandId));
        Assert.Equal(T0 + book.Policy.Policy.CommandTimeout, planned.Event.Deadline);
        Assert.True(planned.Event.HoldsCooldown);
        Assert.Empty(book.Pending); // pending only once the decision is recorded and applied
    }

    [Fact]
    public void Apply_Decided_StartsTheDeadlineThenSendsTheCommand()
    {
        var book = HotBook();
        var planned = Assert.Single(book.PlanRound(T0, book.Policy.Policy, MigrationTriggers.Auto, keepState: true).Decisions);

        var effects = book.Apply(planned.Event);

        Assert.Collection(effects,
            e => Assert.Equal(new StartDeadline("c-1", T0 + book.Policy.Policy.CommandTimeout), e),
            e =>
            {
                var command = Assert.IsType<SendCommand>(e).Command;
                Assert.Equal(("c-1", 4242, 1u, 99ul), (command.CommandId, command.Pid, command.ToNode, command.StartTimeTicks));
                Assert.Equal([0u], command.FromNodes);
            });
        Assert.Equal(["c-1"], book.Pending.Keys);
        Assert.Equal(1, book.MovesInHourBefore(T0));
    }

    [Theory]
    [InlineData(true, true, 0)] // the move counts: the task is in its cooldown, nothing moves again
    [InlineData(false, true, 1)] // a one-off dry-run leaves no cooldown: the same move is decided again
    [InlineData(true, false, 1)] // never recorded (abandoned): no cooldown either
    public void NextRound_DecidesAgainOnlyWhenTheMoveLeftNoCooldown(bool holdsCooldown, bool recorded, int decisionsNextRound)
    {
        var book = HotBook();
        var plan = book.PlanRound(T0, book.Policy.Policy, MigrationTriggers.Auto, keepState: holdsCooldown);
        if (recorded)
        {
            book.Apply(Assert.Single(plan.Decisions).Event);
        }
        else
        {
            book.AbandonRound(plan, 0);
        }

        var later = T0.AddSeconds(1);
        book.ObserveGuestReport(HotNodeZero(later), later);
        var next = book.PlanRound(later, book.Policy.Policy, MigrationTriggers.Auto, keepState: true);

        Assert.Equal(decisionsNextRound, next.Decisions.Count);
    }

    [Theory]
    [InlineData(MigrationStatuses.Done)]
    [InlineData(MigrationStatuses.Failed)]
    [InlineData(MigrationStatuses.Vanished)]
    public void Result_FromTheAgent_EndsThePendingCommand_AndARepeatIsNotRecordedTwice(string status)
    {
        var book = HotBook();
        var decided = Assert.Single(book.PlanRound(T0, book.Policy.Policy, MigrationTriggers.Auto, keepState: true).Decisions).Event;
        book.Apply(decided);
        var result = AgentResult("c-1", decided.Decision.MigrationId, status);

        var recorded = book.PlanResult(T0.AddSeconds(2), result);
        Assert.NotNull(recorded);
        var effects = book.Apply(recorded);
        var again = book.PlanResult(T0.AddSeconds(3), result);

        Assert.Equal((status, ResultOrigins.Agent, decided.Decision.MigrationId, 1), (recorded.Result.Status, recorded.Origin, recorded.Result.MigrationId, recorded.Result.To));
        Assert.Equal([new CancelDeadline("c-1")], effects);
        Assert.Empty(book.Pending);
        Assert.Null(again);
    }

    [Theory]
    [InlineData("deadline", MigrationStatuses.Timeout, "no result by the deadline")]
    [InlineData("undeliverable", MigrationStatuses.Failed, "command not delivered: no session")]
    public void CoordinatorResult_ForAPendingCommand_IsRecordedOnce_AndTheAgentsLateResultStillIs(string what, string status, string error)
    {
        var book = HotBook();
        var decided = Assert.Single(book.PlanRound(T0, book.Policy.Policy, MigrationTriggers.Auto, keepState: true).Decisions).Event;
        book.Apply(decided);
        ResultRecorded? Plan(DateTimeOffset at) => what == "deadline" ? book.PlanDeadline(at, "c-1") : book.PlanUndeliverable(at, "c-1", "no session");

        var first = Plan(T0.AddMinutes(1));
        Assert.NotNull(first);
        book.Apply(first);
        var second = Plan(T0.AddMinutes(2));
        var late = book.PlanResult(T0.AddMinutes(3), AgentResult("c-1", decided.Decision.MigrationId, MigrationStatuses.Done));

        Assert.Equal(status, first.Result.Status);
        Assert.StartsWith(error, first.Result.Error, StringComparison.Ordinal);
        Assert.Null(second);
        Assert.NotNull(late);
        Assert.Equal((decided.Decision.MigrationId, 4242, 0), (late.Result.MigrationId, late.Result.Pid, late.Result.From));
    }

    [Fact]
    public void Result_ForAnUnknownCommand_IsRecordedWithWhatTheAgentSays()
    {
        var book = HotBook();

        var recorded = book.PlanResult(T0, AgentResult("c-gone", "m-gone", MigrationStatuses.Done) with { Pid = 7 });

        Assert.NotNull(recorded);
        Assert.Equal(("m-gone", 7, (int?)null, MigrationTriggers.Auto), (recorded.Result.MigrationId, recorded.Result.Pid, recorded.Result.From, recorded.Result.Trigger));
    }

    [Fact]
    public void PlanResults_OfResultsReceivedTogether_RecordsARepeatedOneOnce()
    {
        var book = HotBook();
        var decided = Assert.Single(book.PlanRound(T0, book.Policy.Policy, MigrationTriggers.Auto, keepState: true).Decisions).Event;
        book.Apply(decided);
        var result = AgentResult("c-1", decided.Decision.MigrationId, MigrationStatuses.Done);

        var plans = book.PlanResults(T0.AddSeconds(2), [result, AgentResult("c-other", "m-other", MigrationStatuses.Failed), result]);

        Assert.Equal([true, true, false], plans.Select(p => p is not null));
        Assert.Equal([decided.Decision.MigrationId, "m-other"], plans.OfType<ResultRecorded>().Select(p => p.Result.MigrationId));
    }

    [Fact]
    public void ResultsForUnknownCommands_KeepOnlyTheNewestIds_NotRecords()
    {
        var book = HotBook();
        var flood = RebalancerBookkeeping.UnknownResultLimit + 500;
        for (var i = 0; i < flood; i++)
        {
            book.Apply(book.PlanResult(T0, AgentResult($"c-bogus-{i}", $"m-bogus-{i}", MigrationStatuses.Done))!);
        }

        var snapshot = book.TakeSnapshot();

        Assert.Empty(snapshot.Recent); // nothing to lend to a later result: no record kept
        Assert.Equal(RebalancerBookkeeping.UnknownResultLimit, snapshot.AgentResults.Count);
        Assert.Equal($"c-bogus-{flood - 1}", snapshot.AgentResults[^1]);
        Assert.Null(book.PlanResult(T0, AgentResult($"c-bogus-{flood - 1}", "m", MigrationStatuses.Done))); // re-sent: recorded once
        Assert.NotNull(book.PlanResult(T0, AgentResult("c-bogus-0", "m", MigrationStatuses.Done))); // beyond the bound: forgotten
    }

    [Fact]
    public void AFloodOfResultsForUnknownCommands_DoesNotMakeTheBookForgetItsDecisions()
    {
        var book = HotBook();
        var decided = Assert.Single(book.PlanRound(T0, book.Policy.Policy, MigrationTriggers.Auto, keepState: true).Decisions).Event;
        book.Apply(decided);
        book.Apply(book.PlanDeadline(T0.AddMinutes(1), "c-1")!);
        for (var i = 0; i < RebalancerBookkeeping.RecentLimit + 1; i++)
        {
            book.Apply(book.PlanResult(T0.AddMinutes(1), AgentResult($"c-bogus-{i}", $"m-bogus-{i}", MigrationStatuses.Done))!);
        }

        var late = book.PlanResult(T0.AddMinutes(2), AgentResult("c-1", "m-from-agent", MigrationStatuses.Done));

        Assert.NotNull(late); // recorded with its decision, which the flood did not push out
        Assert.Equal((decided.Decision.MigrationId, (int?)0, (int?)1), (late.Result.MigrationId, late.Result.From, late.Result.To));
    }

    [Fact]
    public void Snapshot_KeepsTheIdsOfResultsForUnknownCommands_InOrder()
    {
        var book = HotBook();
        var decided = Assert.Single(book.PlanRound(T0, book.Policy.Policy, MigrationTriggers.Auto, keepState: true).Decisions).Event;
        book.Apply(decided);
        book.Apply(book.PlanResult(T0, AgentResult("c-1", decided.Decision.MigrationId, MigrationStatuses.Done))!);
        foreach (var id in new[] { "c-x", "c-y" })
        {
            book.Apply(book.PlanResult(T0, AgentResult(id, "m-" + id, MigrationStatuses.Done))!);
        }

        var restored = Book();
        restored.Restore(book.TakeSnapshot());

        Assert.Equal(["c-1", "c-x", "c-y"], restored.TakeSnapshot().AgentResults);
        Assert.Equal(["c-1"], restored.TakeSnapshot().Recent.Select(r => r.CommandId));
        Assert.All(new[] { "c-1", "c-x", "c-y" }, id => Assert.Null(restored.PlanResult(T0, AgentResult(id, "m", MigrationStatuses.Done))));
    }

    [Theory]
    [InlineData(new[] { "drain 1" }, new[] { 1 }, false)]
    [InlineData(new[] { "drain 1", "drain 0", "undrain 1" }, new[] { 0 }, false)]
    [InlineData(new[] { "undrain 3" }, new int[0], false)]
    [InlineData(new[] { "pause", "drain 1" }, new[] { 1 }, true)]
    [InlineData(new[] { "pause", "resume" }, new int[0], false)]
    [InlineData(new[] { "resume", "pause", "pause" }, new int[0], true)]
    public void Apply_StateEvents_FoldsDrainedAndPaused(string[] steps, int[] drained, bool paused)
    {
        var book = Book();
        foreach (var step in steps)
        {
            var parts = step.Split(' ');
            RebalancerEvent e = parts[0] switch
            {
                "drain" => book.PlanDrain(T0, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), evacuate: false).Event!,
                "undrain" => book.PlanUndrain(T0, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)),
                "pause" => book.PlanPause(T0, "maintenance"),
                _ => book.PlanResume(T0),
            };
            Assert.Empty(book.Apply(e));
        }

        Assert.Equal(drained, book.Drained);
        Assert.Equal(paused, book.Paused);
        Assert.Equal(paused ? "maintenance" : null, book.PauseReason);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(5, "unknown node 5 (nodes: 0,1)")]
    public void PlanDrain_OfANodeTheReportsDoNotName_IsRefused(int node, string? refusal)
    {
        var plan = HotBook().PlanDrain(T0, node, evacuate: true);

        Assert.Equal(refusal, plan.Refusal);
        Assert.Equal(refusal is null, plan.Event is not null);
    }

    [Fact]
    public void PlanEvacuation_AfterTheDrainIsApplied_MovesTheTasksOffTheNode()
    {
        var book = HotBook();
        book.Apply(book.PlanDrain(T0, 0, evacuate: true).Event!);

        var moves = book.PlanEvacuation(T0, 0);

        var planned = Assert.Single(moves);
        Assert.Equal((MigrationTriggers.Evacuate, 0, 1), (planned.Event.Decision.Trigger, planned.Event.Decision.From, planned.Event.Decision.To));
    }

    [Theory]
    [InlineData(4242, 1, false, null)]
    [InlineData(4242, 1, true, null)]
    [InlineData(9999, 1, false, "no BE task with pid 9999")]
    [InlineData(4242, 0, false, "already on node 0")]
    [InlineData(4242, 7, true, "node 7 is not in the snapshot")]
    public void PlanMove_RefusesAnUnknownTask_AndADryRunHoldsNoCooldown(int pid, int to, bool dryRun, string? refusalStart)
    {
        var plan = HotBook().PlanMove(T0, pid, to, dryRun);

        if (refusalStart is null)
        {
            Assert.NotNull(plan.Planned);
            Assert.Equal((dryRun, !dryRun, dryRun ? null : (DateTimeOffset?)T0 + InForce().Policy.CommandTimeout),
                (plan.Planned.Event.Decision.DryRun, plan.Planned.Event.HoldsCooldown, plan.Planned.Event.Deadline));
        }
        else
        {
            Assert.Null(plan.Planned);
            Assert.Contains(refusalStart, plan.Refusal, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("same", false, false, 1)] // unchanged: nothing to record, version stays
    [InlineData("broken", true, false, 1)] // rejected with errors
    [InlineData("cooldown", false, false, 2)] // accepted: version + 1, same interval
    [InlineData("interval", false, true, 2)] // accepted, rounds at the new interval
    public void PlanReload_ThenApply_PutsThePolicyInForceWithTheNextVersion(string change, bool rejected, bool newInterval, int version)
    {
        var book = Book();
        var text = change switch
        {
            "same" => PolicyText(),
            "broken" => "name: broken\nmode: nonsense\n",
            "cooldown" => PolicyText(cooldown: "45s"),
            _ => PolicyText(interval: "2s"),
        };

        var plan = book.PlanReload(T0.AddMinutes(1), PolicyLoader.Load(text, "file.yaml"), text, "file.yaml");
        var effects = plan.Event is null ? [] : book.Apply(plan.Event);

        Assert.Equal(rejected, plan.Rejected);
        Assert.Equal(version, book.Policy.Version);
        Assert.Equal(newInterval, effects.OfType<SetRoundInterval>().Any(s => s.Interval == TimeSpan.FromSeconds(2)));
        if (plan.Event is not null)
        {
            Assert.Equal((text, "file.yaml", T0.AddMinutes(1)), (book.Policy.Text, book.Policy.Source, book.Policy.LoadedAt));
            Assert.NotEmpty(plan.Diff);
        }
    }

    [Fact]
    public void Apply_APolicyThatNoLongerLoads_KeepsThePolicyInForce_AndSaysSo()
    {
        var book = Book();

        var effects = book.Apply(new PolicyReloaded(T0, "member-b", "name: x\nmode: nonsense\n", "old.yaml", 7));

        var rejected = Assert.IsType<PolicyNotRestored>(Assert.Single(effects));
        Assert.NotEmpty(rejected.Errors);
        Assert.Equal(1, book.Policy.Version);
    }

    [Fact]
    public void Replay_OfTheLiveEvents_RebuildsTheSameState_AndRecoveryRestartsTheDeadlines()
    {
        var live = HotBook();
        var events = new List<RebalancerEvent>();
        void Record(RebalancerEvent e)
        {
            events.Add(e);
            live.Apply(e);
        }

        Record(live.PlanReload(T0, PolicyLoader.Load(PolicyText(cooldown: "45s"), "p.yaml"), PolicyText(cooldown: "45s"), "p.yaml").Event!);
        var first = Assert.Single(live.PlanRound(T0, live.Policy.Policy, MigrationTriggers.Auto, keepState: true).Decisions).Event;
        Record(first);
        Record(live.PlanResult(T0.AddSeconds(2), AgentResult(first.Decision.CommandId!, first.Decision.MigrationId, MigrationStatuses.Done))!);
        Record(live.PlanDrain(T0, 1, evacuate: false).Event!);
        Record(live.PlanUndrain(T0, 1));
        Record(live.PlanDrain(T0, 0, evacuate: false).Event!);
        Record(live.PlanPause(T0, "window"));
        var move = live.PlanMove(T0.AddSeconds(3), 4242, 0, dryRun: false);
        Assert.Null(move.Planned); // the task is in its cooldown: the move back is refused

        var replayed = Book();
        replayed.ApplyAll(events);
        var deadlines = replayed.RecoveryCompleted();

        Assert.Equal((live.Policy.Version, live.Policy.Text), (replayed.Policy.Version, replayed.Policy.Text));
        Assert.Equal(live.Drained, replayed.Drained);
        Assert.Equal((live.Paused, live.PauseReason), (replayed.Paused, replayed.PauseReason));
        Assert.Equal(live.State.LastMoves, replayed.State.LastMoves);
        Assert.Equal(live.Pending.Keys, replayed.Pending.Keys);
        Assert.Empty(deadlines); // the only command has its result
        Assert.Null(replayed.PlanResult(T0.AddSeconds(9), AgentResult(first.Decision.CommandId!, first.Decision.MigrationId, MigrationStatuses.Done)));
    }

    [Theory]
    [InlineData(10, false)] // deadline ahead: a timer
    [InlineData(-10, true)] // deadline passed while no rebalancer ran: at once (the actor sees a past deadline)
    public void RecoveryCompleted_GivesEveryPendingCommandItsDeadline(int secondsLeft, bool past)
    {
        var book = Book();
        var decision = new JournalRecord
        {
            Id = "r-9", Kind = JournalKinds.Decision, MigrationId = "m-9", CommandId = "c-9", Time = T0, Pid = 4242, From = 0, To = 1,
            Status = MigrationStatuses.Pending,
        };
        var now = T0.AddSeconds(30);
        book.Apply(new Decided(decision, now.AddSeconds(secondsLeft), HoldsCooldown: true));

        var effects = book.RecoveryCompleted();

        var start = Assert.IsType<StartDeadline>(Assert.Single(effects));
        Assert.Equal(("c-9", past), (start.CommandId, start.Deadline < now));
    }
}
