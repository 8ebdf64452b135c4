using Akka.Actor;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Policies;
using JournalRecord = GiantVm.Scheduling.Journal.JournalRecord;
using Microsoft.Extensions.Logging;
using System.Diagnostics;

namespace GiantVm.Coordinator.Rebalancing;

/// <summary>
/// The decision loop of one GiantVM instance: a sharded entity (entity id = the instance's vm, see
/// <see cref="RebalancerShards"/>; one runs at a time per instance). The
/// bookkeeping (what to decide, what is pending, drained, paused, the policy in force) is
/// <see cref="RebalancerBookkeeping"/>; this actor only records its events, sends commands,
/// schedules timers, logs and counts. Every event is persisted in the Akka.Persistence store
/// (through a child <see cref="RebalancerEventLog"/>) before it is applied: a decision before its
/// command is sent to the guest agent's session (whichever member holds it: the session that sent
/// the last guest report), a drain, pause or policy reload before it takes effect. When it starts
/// it first recovers from the store (the newest snapshot and the events after it). While nothing
/// can be recorded it issues no command and says so (log, status, metric).
/// </summary>
public sealed class RebalancerActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private const string RoundTimer = "round";
    private const string RecoveryTimer = "recovery";
    private static readonly TimeSpan RecoveryRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// At most this many results are recorded in one write to the store. Results are recorded in
    /// batches (all those received while the previous write was under way), so that a store
    /// round trip of T caps results at this many per T, not at one per T: an agent sending more
    /// results a second than one round trip allows no longer grows the mailbox without bound
    /// (reports, rounds and status queued behind them).
    /// </summary>
    internal const int ResultBatchLimit = 500;

    /// <summary>The error of the <c>failed</c> result recorded for a decision that was never sent.</summary>
    internal const string NotSentError = "not sent: the decision was not recorded";

    private readonly RebalancerSettings _settings;
    private readonly int _snapshotEvery;
    private IActorRef? _store;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly RebalancerBookkeeping _book;

    private IActorRef? _guestSession;
    private long _lastSeq;
    private long? _lastAutoRound;
    private bool _storeAvailable = true;
    private string? _storeProblem = "recovering: reading the rebalancer's events from the store";

    /// <summary>Why the event log child last failed (its supervisor decision records it), until it is logged.</summary>
    private string? _eventLogFailure;
    private int _recoveryAttempts;

    /// <summary>Results received, waiting for the next <see cref="RecordResults"/>.</summary>
    private readonly List<MigrationResultData> _received = [];

    /// <summary>The giantvm_node_steal_ratio series of this instance's nodes, looked up once per node, not per guest report.</summary>
    private readonly Dictionary<int, Prometheus.Gauge.Child> _nodeSteal = [];
    private bool _recordQueued;

    /// <summary>
    /// Records through a child <see cref="RebalancerEventLog"/> in the actor system's
    /// Akka.Persistence store (snapshot every <paramref name="snapshotEvery"/> events). Public for
    /// Akka's Props (use <see cref="Props"/>).
    /// </summary>
    public RebalancerActor(
        RebalancerSettings settings,
        PolicyInForce policy,
        int snapshotEvery,
        TimeProvider time,
        ILogger<RebalancerActor> log)
    {
        _settings = settings;
        _snapshotEvery = snapshotEvery;
        _time = time;
        _log = log;
        _book = new RebalancerBookkeeping(settings.Vm, settings.Member, policy);
        Become(Recovering);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    /// <summary>
    /// A rebalancer that records its events in the actor system's Akka.Persistence store (see
    /// <see cref="RebalancerStore"/>) through a child <see cref="RebalancerEventLog"/>. The
    /// coordinator runs one per instance as a sharded entity.
    /// </summary>
    public static Props Props(
        RebalancerSettings settings,
        PolicyInForce policy,
        int snapshotEvery,
        TimeProvider time,
        ILogger<RebalancerActor> log) =>
        Akka.Actor.Props.Create(() => new RebalancerActor(settings, policy, snapshotEvery, time, log));

    protected override void PreStart()
    {
        CoordinatorMetrics.Rebalancers.Inc();
        CoordinatorMetrics.RecordingAvailable.WithLabels(_settings.Vm).Set(0);
        if (_settings.PolicyProblem is { } problem)
        {
            _log.LogError("Rebalancer for {Vm}: {Problem}", _settings.Vm, problem);
        }

        StartRecovery();
    }

    /// <summary>The instance's series go with it (its rebalancer may now run on another member).</summary>
    protected override void PostStop()
    {
        CoordinatorMetrics.Rebalancers.Dec();
        CoordinatorMetrics.RecordingAvailable.RemoveLabelled(_settings.Vm);
        CoordinatorMetrics.Paused.RemoveLabelled(_settings.Vm);
        CoordinatorMetrics.PendingMigrations.RemoveLabelled(_settings.Vm);
        foreach (var node in _book.Nodes)
        {
            var id = node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            CoordinatorMetrics.NodeSteal.RemoveLabelled(_settings.Vm, id);
            CoordinatorMetrics.NodeSmoothedSteal.RemoveLabelled(_settings.Vm, id);
        }

        // Nodes a guest report named once but the last one no longer does.
        foreach (var id in _nodeSteal.Keys.Where(id => _book.Nodes.All(n => n.Id != id)))
        {
            CoordinatorMetrics.NodeSteal.RemoveLabelled(_settings.Vm, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        _log.LogInformation("Rebalancer for {Vm} stopped on member {Member}", _settings.Vm, _settings.Member);
    }

    /// <summary>
    /// The event log child stops on any failure (a refused persist, a recovery or a fence take that
    /// failed while the store is down): the rebalancer starts a new one after its retry delay and
    /// logs why, once and then every tenth attempt, instead of Akka logging a stack every second.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(
        maxNrOfRetries: -1,
        withinTimeMilliseconds: -1,
        decider: Decider.From(e =>
        {
            _eventLogFailure = (e is ActorInitializationException { InnerException: { } inner } ? inner : e).GetBaseException().Message;
            return Directive.Stop;
        }),
        loggingEnabled: false);

    private void StartEventLog()
    {
        _store = Context.ActorOf(RebalancerEventLog.Props(_settings.Vm, _book.Policy, _snapshotEvery));
        Context.Watch(_store);
    }

    /// <summary>Until the log is read back: reports are kept, views answered, everything else waits.</summary>
    private void Recovering()
    {
        ReceiveReports();
        Receive<StoreRecovered>(r =>
        {
            _eventLogFailure = null;
            RecoveredFromStore(r.State);
            Become(Active);
            Stash.UnstashAll();
        });
        Receive<RecoveryFailed>(f =>
        {
            // the event log's own failure (e.g. the fence could not be taken) says more than the ask's timeout
            var reason = _eventLogFailure ?? f.Reason;
            _storeProblem = "recovering: " + reason;
            if (_recoveryAttempts == 1 || _recoveryAttempts % 10 == 0)
            {
                _log.LogWarning("Rebalancer cannot start deciding yet (attempt {Attempt}): {Reason}; retrying every {Retry}", _recoveryAttempts, reason, RecoveryRetry);
            }

            Timers.StartSingleTimer(RecoveryTimer, RetryRecovery.Instance, RecoveryRetry);
        });
        Receive<RetryRecovery>(_ => StartRecovery());
        Receive<GetRebalancerView>(_ => Sender.Tell(View()));
        Receive<GetPolicy>(_ => Sender.Tell(_book.Policy));
        ReceiveAny(_ => Stash.Stash());
    }

    private void StartRecovery()
    {
        _recoveryAttempts++;
        if (_store is null)
        {
            StartEventLog();
        }

        _store!.Ask<RecoveredState>(GetRecoveredState.Instance, StoreTimeout).PipeTo(Self,
            success: state => new StoreRecovered(state),
            failure: e => new RecoveryFailed("the store did not answer: " + e.GetBaseException().Message));
    }

    private void ReceiveReports()
    {
        Receive<GuestReportReceived>(OnGuestReport);
        Receive<HostReportReceived>(r =>
        {
            _book.ObserveHostReport(r.Report, r.ReceivedAt);
            CoordinatorMetrics.HostReportApplied.Inc();
        });
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_guestSession))
            {
                _guestSession = null;
            }
            else if (t.ActorRef.Equals(_store))
            {
                // A persist or a recovery failed (the store was down, or another writer took this
                // sequence number): start over from what the store holds, after the retry delay.
                _store = null;
                StoreDown("store", "the event log stopped after a failed persist or recovery" +
                    (_eventLogFailure is { } failure ? $" ({failure})" : "") + "; recovering from the store");
                Become(Recovering);
                Timers.StartSingleTimer(RecoveryTimer, RetryRecovery.Instance, RecoveryRetry);
            }
        });
    }

    private void Active()
    {
        ReceiveReports();

        Receive<MigrationResultReceived>(r => QueueResult(r.Result));
        ReceiveAsync<RecordResults>(_ => GuardedAsync("result", RecordReceivedResultsAsync));
        ReceiveAsync<CommandDeadlinePassed>(d => GuardedAsync("timeout", () => OnDeadlineAsync(d.CommandId)));
        ReceiveAsync<CommandUndeliverable>(u => GuardedAsync("undeliverable", () => OnUndeliverableAsync(u)));
        ReceiveAsync<RunRound>(_ => GuardedAsync("round", AutoRoundAsync));
        ReceiveAsync<RebalanceNow>(r => ReplyAsync("rebalance", () => ManualRoundAsync(r.DryRun, r.Actor)));
        ReceiveAsync<MoveTask>(m => ReplyAsync("move", () => MoveAsync(m)));
        ReceiveAsync<PauseRebalancing>(p => ReplyAsync("pause", () => PauseAsync(p)));
        ReceiveAsync<ResumeRebalancing>(r => ReplyAsync("resume", () => ResumeAsync(r.Actor)));
        ReceiveAsync<DrainNode>(d => ReplyAsync("drain", () => DrainAsync(d)));
        ReceiveAsync<UndrainNode>(u => ReplyAsync("undrain", () => UndrainAsync(u)));
        Receive<AdviseQuery>(a => Reply("advise", () => _book.Advise(Now, a.CpuCores, a.MemoryBytes)));
        ReceiveAsync<ReloadPolicy>(r => ReplyAsync("reload", () => ReloadAsync(r)));
        Receive<GetPolicy>(_ => Sender.Tell(_book.Policy));
        Receive<GetRebalancerView>(_ => Sender.Tell(View()));
        Receive<RetryRecovery>(_ => { });
        Receive<RecoveryFailed>(_ => { });
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private void OnGuestReport(GuestReportReceived r)
    {
        _book.ObserveGuestReport(r.Report, r.ReceivedAt);
        CoordinatorMetrics.GuestReportApplied.Inc();
        foreach (var node in r.Report.Nodes)
        {
            if (!_nodeSteal.TryGetValue(node.Id, out var steal))
            {
                _nodeSteal[node.Id] = steal = CoordinatorMetrics.NodeSteal.WithLabels(_settings.Vm, node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            steal.Set(node.StealRatio);
        }

        // The session that forwarded the report holds the guest agent's stream (on any member):
        // commands go there.
        if (!Sender.IsNobody() && !Sender.Equals(Self) && !Sender.Equals(_guestSession))
        {
            if (_guestSession is not null)
            {
                Context.Unwatch(_guestSession);
            }

            _guestSession = Sender;
            Context.Watch(_guestSession);
        }
    }

    /// <summary>The store's event log recovered: take its state.</summary>
    private void RecoveredFromStore(RecoveredState recovered)
    {
        _lastSeq = recovered.SequenceNr;
        foreach (var effect in _book.Restore(recovered.State))
        {
            Execute([effect]);
        }

        Started(recovered.FromSnapshot
            ? $"store: snapshot and {recovered.EventsReplayed} later events"
            : $"store: {recovered.EventsReplayed} events");
    }

    private void Started(string from)
    {
        Execute(_book.RecoveryCompleted());
        _storeAvailable = true;
        _storeProblem = null;
        CoordinatorMetrics.RecordingAvailable.WithLabels(_settings.Vm).Set(1);
        CoordinatorMetrics.Paused.WithLabels(_settings.Vm).Set(_book.Paused ? 1 : 0);
        CoordinatorMetrics.PendingMigrations.WithLabels(_settings.Vm).Set(_book.Pending.Count);
        var policy = _book.Policy;
        Timers.StartPeriodicTimer(RoundTimer, RunRound.Instance, policy.Policy.Interval);
        _log.LogInformation(
            "Rebalancer for {Vm} started on member {Member} at log position {Seq} ({From}): " +
            "policy {PolicyName} v{Version} ({Mode}, every {Interval}, dry-run {DryRun}), drained [{Drained}], paused {Paused}, {Pending} command(s) awaiting a result",
            _settings.Vm, _settings.Member, _lastSeq, from, policy.Policy.Name, policy.Version,
            PolicyModeText.Name(policy.Policy.Mode), policy.Policy.Interval, policy.Policy.DryRun, string.Join(",", _book.Drained), _book.Paused, _book.Pending.Count);
    }

    private async Task AutoRoundAsync()
    {
        var now = _time.GetTimestamp();
        if (_lastAutoRound is { } last)
        {
            CoordinatorMetrics.RoundInterval.Observe(_time.GetElapsedTime(last, now).TotalSeconds);
        }

        _lastAutoRound = now;
        if (_book.Paused)
        {
            CoordinatorMetrics.Rounds.WithLabels("paused").Inc();
            return;
        }

        if (_book.View.Guest is null)
        {
            CoordinatorMetrics.Rounds.WithLabels("no_data").Inc();
            return;
        }

        var decided = await RoundAsync(_book.Policy.Policy, MigrationTriggers.Auto, keepState: true);
        CoordinatorMetrics.Rounds.WithLabels(decided.Count > 0 ? "decided" : "idle").Inc();
    }

    private async Task<RebalanceOutcome> ManualRoundAsync(bool dryRun, string? actor)
    {
        if (_book.View.Guest is null)
        {
            return new RebalanceOutcome([], "no guest report yet: nothing to decide on");
        }

        // A dry-run request must not leave cooldowns behind for moves that never happen.
        var inForce = _book.Policy.Policy;
        var policy = dryRun ? inForce with { DryRun = true } : inForce;
        var decided = await RoundAsync(policy, MigrationTriggers.Manual, keepState: !dryRun || inForce.DryRun, actor);
        var message = decided.Count > 0
            ? $"{decided.Count} decision(s)"
            : !_storeAvailable
                ? "no move: " + _storeProblem
                : "no move: " + (_book.Nodes.Any(n => n.Hot) ? "hot node(s) but no eligible move" : "no hot node");
        return new RebalanceOutcome(decided, message);
    }

    private async Task<List<ExecutedDecision>> RoundAsync(Policy policy, string trigger, bool keepState, string? actor = null)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = _book.PlanRound(Now, policy, trigger, keepState);
        foreach (var node in _book.Nodes)
        {
            CoordinatorMetrics.NodeSmoothedSteal.WithLabels(_settings.Vm, node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(node.SmoothedStealRatio);
        }

        foreach (var note in plan.Notes)
        {
            _log.LogDebug("Round note: {Note}", note);
        }

        var executed = await RecordDecisionsAsync(plan.Decisions.Select(d => d.By(actor)));
        // Decisions not recorded were never sent: no cooldown for them.
        _book.AbandonRound(plan, executed.Count);
        _book.CompleteRound(plan.Time, executed.Count);
        CoordinatorMetrics.RoundDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return executed;
    }

    /// <summary>Records decisions in order (each command is sent once its decision is); stops at the first one the store did not persist.</summary>
    private async Task<List<ExecutedDecision>> RecordDecisionsAsync(IEnumerable<PlannedDecision> decisions)
    {
        var executed = new List<ExecutedDecision>();
        foreach (var planned in decisions)
        {
            if (!await RecordDecisionAsync(planned))
            {
                break;
            }

            executed.Add(planned.Executed);
        }

        return executed;
    }

    private async Task<MoveOutcome> MoveAsync(MoveTask move)
    {
        var plan = _book.PlanMove(Now, move.Pid, move.ToNode, move.DryRun);
        if (plan.Planned is not { } planned)
        {
            return new MoveOutcome(null, plan.Refusal ?? "refused");
        }

        planned = planned.By(move.Actor);
        return await RecordDecisionAsync(planned)
            ? new MoveOutcome(planned.Executed, null)
            : new MoveOutcome(null, "the decision could not be recorded in the store (see the coordinator's log): " + (_storeProblem ?? "write failed"));
    }

    private async Task<DrainOutcome> DrainAsync(DrainNode drain)
    {
        var plan = _book.PlanDrain(Now, drain.Node, drain.Evacuate);
        if (plan.Event is not { } drained)
        {
            return new DrainOutcome(_book.Drained.ToList(), [], plan.Refusal);
        }

        if (!await RecordAsync(drained with { Actor = drain.Actor }, "state"))
        {
            return new DrainOutcome(_book.Drained.ToList(), [], null, "drain not recorded: " + _storeProblem);
        }

        _log.LogInformation("Node {NodeId} drained (evacuate {Evacuate}) for {Actor}", drain.Node, drain.Evacuate, ActorName(drain.Actor));
        if (!drain.Evacuate)
        {
            return new DrainOutcome(_book.Drained.ToList(), [], null);
        }

        var executed = await RecordDecisionsAsync(_book.PlanEvacuation(Now, drain.Node).Select(d => d.By(drain.Actor)));
        return new DrainOutcome(_book.Drained.ToList(), executed, null);
    }

    private async Task<DrainOutcome> UndrainAsync(UndrainNode undrain)
    {
        if (!await RecordAsync(_book.PlanUndrain(Now, undrain.Node) with { Actor = undrain.Actor }, "state"))
        {
            return new DrainOutcome(_book.Drained.ToList(), [], null, "undrain not recorded: " + _storeProblem);
        }

        _log.LogInformation("Node {NodeId} undrained for {Actor}", undrain.Node, ActorName(undrain.Actor));
        return new DrainOutcome(_book.Drained.ToList(), [], null);
    }

    private async Task<PauseState> PauseAsync(PauseRebalancing pause)
    {
        if (!await RecordAsync(_book.PlanPause(Now, pause.Reason) with { Actor = pause.Actor }, "state"))
        {
            return new PauseState(_book.Paused, "pause not recorded: " + _storeProblem);
        }

        CoordinatorMetrics.Paused.WithLabels(_settings.Vm).Set(1);
        _log.LogWarning("Automatic rebalancing paused for {Actor} ({Reason})", ActorName(pause.Actor), pause.Reason ?? "no reason given");
        return new PauseState(true);
    }

    private async Task<PauseState> ResumeAsync(string? actor)
    {
        if (!await RecordAsync(_book.PlanResume(Now) with { Actor = actor }, "state"))
        {
            return new PauseState(_book.Paused, "resume not recorded: " + _storeProblem);
        }

        CoordinatorMetrics.Paused.WithLabels(_settings.Vm).Set(0);
        _log.LogInformation("Automatic rebalancing resumed for {Actor}", ActorName(actor));
        return new PauseState(false);
    }

    /// <summary>
    /// Records the decision (persisted in the store), then applies it: its command is sent unless
    /// dry-run. False when the store did not persist it: nothing was sent.
    /// </summary>
    private async Task<bool> RecordDecisionAsync(PlannedDecision planned)
    {
        var decision = planned.Decision;
        var record = planned.Event.Decision;
        if (!await PersistAsync(planned.Event, "decision"))
        {
            _log.LogError("The decision to move pid {Pid} from node {From} to node {To} was not recorded in the store; no command sent",
                decision.Pid, decision.From, decision.To);
            return false;
        }

        CoordinatorMetrics.Decisions.WithLabels(record.Trigger, decision.DryRun ? "true" : "false").Inc();
        _log.LogInformation("Decision {MigrationId} ({Trigger}{DryRunNote}): pid {Pid} ({Comm}) node {From} -> {To}: {Reason}",
            record.MigrationId, record.Trigger, decision.DryRun ? ", dry-run" : "", decision.Pid, decision.Comm, decision.From, decision.To, decision.Reason);
        if (!decision.DryRun && record.CommandId is not null)
        {
            _settings.AfterDecisionJournaled?.Invoke();
        }

        Execute(_book.Apply(planned.Event));
        CoordinatorMetrics.PendingMigrations.WithLabels(_settings.Vm).Set(_book.Pending.Count);
        return true;
    }

    /// <summary>A result from the guest agent: recorded with the others received meanwhile, by the next <see cref="RecordResults"/>.</summary>
    private void QueueResult(MigrationResultData result)
    {
        _received.Add(result);
        if (!_recordQueued)
        {
            _recordQueued = true;
            Self.Tell(RecordResults.Instance);
        }
    }

    /// <summary>
    /// Records the results received (at most <see cref="ResultBatchLimit"/>) in one write, then
    /// applies them; like <see cref="RecordResultAsync"/>, they are applied even when the store
    /// did not persist them.
    /// </summary>
    private async Task RecordReceivedResultsAsync()
    {
        var batch = _received.Take(ResultBatchLimit).ToList();
        _received.RemoveRange(0, batch.Count);
        _recordQueued = _received.Count > 0;
        if (_recordQueued)
        {
            Self.Tell(RecordResults.Instance);
        }

        var late = batch.Select(r => !_book.IsPending(r.CommandId)).ToList();
        var plans = _book.PlanResults(Now, batch);
        var recorded = plans.OfType<ResultRecorded>().ToList();
        if (recorded.Count > 0 && !await StoreAsync(new RecordEvents(recorded), "result"))
        {
            _log.LogError("{Count} result(s) were not recorded in the store", recorded.Count);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var result = batch[i];
            if (plans[i] is not { } planned)
            {
                _log.LogInformation("Result {Status} for migration {MigrationId} (command {CommandId}) was recorded already: not recorded again",
                    result.Status, result.MigrationId, result.CommandId);
                continue;
            }

            Execute(_book.Apply(planned));
            CoordinatorMetrics.Migrations.WithLabels(planned.Result.Status).Inc();
            _log.LogInformation("Result {Status} for migration {MigrationId} (pid {Pid}){LateNote}: {PagesMoved} pages moved, {PagesLeft} left, {DurationMs} ms {Error}",
                result.Status, result.MigrationId, planned.Result.Pid, late[i] ? ", after its deadline or unknown" : "", result.PagesMoved, result.PagesLeft, result.DurationMs, result.Error);
        }

        CoordinatorMetrics.PendingMigrations.WithLabels(_settings.Vm).Set(_book.Pending.Count);
    }

    private async Task OnDeadlineAsync(string commandId)
    {
        if (_book.PlanDeadline(Now, commandId) is not { } timeout)
        {
            return;
        }

        var deadline = _book.Pending[commandId].Deadline;
        await RecordResultAsync(timeout);
        _log.LogWarning("Migration {MigrationId} (pid {Pid}) timed out: no result by {Deadline}", timeout.Result.MigrationId, timeout.Result.Pid, deadline);
    }

    private async Task OnUndeliverableAsync(CommandUndeliverable undeliverable)
    {
        if (_book.PlanUndeliverable(Now, undeliverable.CommandId, undeliverable.Reason) is not { } failed)
        {
            return;
        }

        await RecordResultAsync(failed);
        _log.LogWarning("Migration {MigrationId} (pid {Pid}) not delivered: {Reason}", failed.Result.MigrationId, failed.Result.Pid, undeliverable.Reason);
    }

    /// <summary>
    /// A result reports what happened: it is applied (the command is no longer pending) even when
    /// the store did not persist it, which is logged.
    /// </summary>
    private async Task RecordResultAsync(ResultRecorded recorded)
    {
        if (!await PersistAsync(recorded, "result"))
        {
            _log.LogError("Result {Status} of migration {MigrationId} was not recorded in the store", recorded.Result.Status, recorded.Result.MigrationId);
        }

        Execute(_book.Apply(recorded));
        CoordinatorMetrics.PendingMigrations.WithLabels(_settings.Vm).Set(_book.Pending.Count);
        CoordinatorMetrics.Migrations.WithLabels(recorded.Result.Status).Inc();
    }

    /// <summary>A state change, persisted before it takes effect (false: it was not).</summary>
    private async Task<bool> RecordAsync(RebalancerEvent e, string kind)
    {
        if (!await PersistAsync(e, kind))
        {
            return false;
        }

        Execute(_book.Apply(e));
        return true;
    }

    /// <summary>Does what applying an event asks for.</summary>
    private void Execute(IReadOnlyList<RebalancerEffect> effects)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case SendCommand send:
                    var deliver = new DeliverToGuest(_settings.Vm, send.Command.CommandId, new CoordinatorMessage { Migrate = send.Command });
                    if (_guestSession is { } session)
                    {
                        session.Tell(deliver);
                    }
                    else
                    {
                        Self.Tell(new CommandUndeliverable(send.Command.CommandId, $"no guest agent connected for vm {_settings.Vm}"));
                    }

                    break;
                case StartDeadline start:
                    var left = start.Deadline - Now;
                    if (left > TimeSpan.Zero)
                    {
                        Timers.StartSingleTimer(start.CommandId, new CommandDeadlinePassed(start.CommandId), left);
                    }
                    else
                    {
                        Self.Tell(new CommandDeadlinePassed(start.CommandId));
                    }

                    break;
                case CancelDeadline cancel:
                    Timers.Cancel(cancel.CommandId);
                    break;
                case SetRoundInterval interval:
                    Timers.StartPeriodicTimer(RoundTimer, RunRound.Instance, interval.Interval);
                    break;
                case PolicyNotRestored rejected:
                    _log.LogError("Policy version {Version} does not load here; keeping {PolicyName}: {Errors}",
                        rejected.Event.Version, _book.Policy.Policy.Name, string.Join("; ", rejected.Errors));
                    break;
            }
        }
    }

    /// <summary>Persists the event through the store's event log; false (and why, in the view) when it did not say so in time.</summary>
    private Task<bool> PersistAsync(RebalancerEvent e, string kind) => StoreAsync(new RecordEvent(e), kind);

    /// <summary>Sends a <see cref="RecordEvent"/> or <see cref="RecordEvents"/> to the store's event log; false (and why, in the view) when it did not say it persisted in time.</summary>
    private async Task<bool> StoreAsync(object record, string kind)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            _lastSeq = (await _store!.Ask<EventRecorded>(record, StoreTimeout)).SequenceNr;
            CoordinatorMetrics.PersistLatency.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            StoreBack();
            return true;
        }
        catch (Exception failure) when (failure is not ActorKilledException)
        {
            CoordinatorMetrics.RecordFailures.WithLabels(kind).Inc();
            StoreDown(kind, "store: " + failure.GetBaseException().Message);
            return false;
        }
    }

    private void StoreBack()
    {
        if (!_storeAvailable)
        {
            _log.LogWarning("The store persists again: the rebalancer issues commands again");
        }

        _storeAvailable = true;
        _storeProblem = null;
        CoordinatorMetrics.RecordingAvailable.WithLabels(_settings.Vm).Set(1);
    }

    private void StoreDown(string what, string problem)
    {
        if (_storeAvailable)
        {
            _log.LogError("The store did not persist the rebalancer's {What} event: {Problem}; the rebalancer issues no command until the store persists again", what, problem);
        }

        _storeAvailable = false;
        _storeProblem = problem;
        CoordinatorMetrics.RecordingAvailable.WithLabels(_settings.Vm).Set(0);
    }

    /// <summary>Who a change was made for, as the log says it.</summary>
    private static string ActorName(string? actor) => actor ?? "a caller without a certificate identity";

    private async Task<PolicyReloadOutcome> ReloadAsync(ReloadPolicy reload)
    {
        PolicyLoadResult result;
        string text;
        string source;
        if (reload.Content is null)
        {
            (result, text) = PolicySource.Load(_settings.PolicyOrigin);
            source = _settings.PolicyOrigin;
        }
        else
        {
            source = string.IsNullOrWhiteSpace(reload.SourceName) ? "admin" : reload.SourceName;
            result = PolicyLoader.Load(reload.Content, source);
            text = reload.Content;
        }

        var plan = _book.PlanReload(Now, result, text, source);
        if (plan.Rejected)
        {
            CoordinatorMetrics.PolicyReloads.WithLabels("rejected").Inc();
            _log.LogWarning("Policy reload ({Cause}) from {Source} rejected, policy {PolicyName} v{Version} stays: {Errors}",
                reload.Cause, source, _book.Policy.Policy.Name, _book.Policy.Version, string.Join("; ", plan.Errors));
            return new PolicyReloadOutcome(false, plan.Errors, _book.Policy, []);
        }

        if (plan.Event is not { } reloaded)
        {
            CoordinatorMetrics.PolicyReloads.WithLabels("unchanged").Inc();
            _log.LogInformation("Policy reload ({Cause}) from {Source}: unchanged", reload.Cause, source);
            return new PolicyReloadOutcome(true, [], _book.Policy, []);
        }

        if (!await RecordAsync(reloaded with { Actor = reload.Actor }, "state"))
        {
            CoordinatorMetrics.PolicyReloads.WithLabels("unavailable").Inc();
            return new PolicyReloadOutcome(false, [], _book.Policy, [], "policy reload not recorded: " + _storeProblem);
        }

        CoordinatorMetrics.PolicyReloads.WithLabels("accepted").Inc();
        _log.LogInformation("Policy reload ({Cause}{For}) from {Source} accepted: {PolicyName} v{Version}, in force from the next round; changes: {Diff}",
            reload.Cause, reload.Actor is null ? "" : " for " + reload.Actor, source, _book.Policy.Policy.Name, _book.Policy.Version, plan.Diff.Count == 0 ? "(none)" : string.Join("; ", plan.Diff));
        return new PolicyReloadOutcome(true, [], _book.Policy, plan.Diff);
    }

    private RebalancerView View()
    {
        var now = Now;
        return new RebalancerView(_book.Snapshot(now), _book.Nodes, _book.State, _book.Policy, _book.Paused, _book.PauseReason, _book.Drained.ToList(),
            _book.LastRound, _book.LastRoundDecisions, _book.MovesInHourBefore(now), _book.Pending.Count,
            _settings.Member, _settings.MemberAddress, _storeAvailable && _storeProblem is null, _storeProblem, _lastSeq);
    }

    private async Task GuardedAsync(string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is not ActorKilledException)
        {
            _log.LogError(e, "Rebalancer {What} failed; state kept", what);
        }
    }

    private void Reply<T>(string what, Func<T> action)
    {
        try
        {
            Sender.Tell(action());
        }
        catch (Exception e) when (e is not ActorKilledException)
        {
            _log.LogError(e, "Rebalancer {What} failed; state kept", what);
            Sender.Tell(new Status.Failure(e));
        }
    }

    private async Task ReplyAsync<T>(string what, Func<Task<T>> action)
    {
        var sender = Sender;
        try
        {
            sender.Tell(await action());
        }
        catch (Exception e) when (e is not ActorKilledException)
        {
            _log.LogError(e, "Rebalancer {What} failed; state kept", what);
            sender.Tell(new Status.Failure(e));
        }
    }

    private static string NewId(string prefix) => prefix + "-" + Guid.CreateVersion7().ToString("N");
}
