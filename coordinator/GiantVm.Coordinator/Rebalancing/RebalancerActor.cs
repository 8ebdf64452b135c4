using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Replication;
using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using Google.Protobuf.WellKnownTypes;
using Decision = GiantVm.Scheduling.Model.Decision;
using JournalRecord = GiantVm.Scheduling.Journal.JournalRecord;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Rebalancing;

/// <summary>
/// The decision loop of one GiantVM instance (a cluster singleton: one runs at a time): keeps
/// the latest reports, every policy interval builds the snapshot and calls
/// <see cref="DecisionEngine.Decide"/>, has each decision acknowledged by a majority of the
/// members' journals before sending its command to the guest agent's session (whichever
/// member holds it: the session that sent the last guest report), and journals every result,
/// including late ones and deadline timeouts. Policy reloads, drains and pauses are replicated
/// the same way before they take effect. When it starts it first recovers: learns the highest
/// log position from a majority, catches its member's journal up, rebuilds cooldowns and
/// return blocks from the journal and takes policy, drained and paused state from the log.
/// Without a majority it issues no command and says so (log, status, metric).
/// </summary>
public sealed class RebalancerActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private const string RoundTimer = "round";
    private const string RecoveryTimer = "recovery";
    private const int RecentLimit = 10_000;
    private static readonly TimeSpan RecoveryRetry = TimeSpan.FromSeconds(1);

    private readonly RebalancerSettings _settings;
    /// <summary>The error of the <c>failed</c> result that cancels a decision no majority acknowledged.</summary>
    internal const string NotSentError = "not sent: no majority acknowledged the decision";

    private readonly IJournalReplication _replication;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Dictionary<string, PendingMigration> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JournalRecord> _recentByCommand = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private readonly Queue<DateTimeOffset> _movesLastHour = new();

    private PolicyInForce _policy;
    private ClusterView _view = ClusterView.Empty;
    private DecisionState _state = DecisionState.Empty;
    private IReadOnlyList<NodeView> _nodes = [];
    private ImmutableSortedSet<int> _drained = [];
    private bool _paused;
    private string? _pauseReason;
    private DateTimeOffset? _lastRound;
    private int _lastRoundDecisions;
    private IActorRef? _guestSession;
    private long _lastSeq;
    private bool _majorityAvailable = true;
    private string? _majorityProblem = "recovering: reading the replicated log from a majority of members";
    private int _recoveryAttempts;

    public RebalancerActor(
        RebalancerSettings settings,
        PolicyInForce policy,
        IJournalReplication replication,
        TimeProvider time,
        ILogger<RebalancerActor> log)
    {
        _settings = settings;
        _policy = policy;
        _replication = replication;
        _time = time;
        _log = log;
        Become(Recovering);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(
        RebalancerSettings settings,
        PolicyInForce policy,
        IJournalReplication replication,
        TimeProvider time,
        ILogger<RebalancerActor> log) =>
        Akka.Actor.Props.Create(() => new RebalancerActor(settings, policy, replication, time, log));

    protected override void PreStart()
    {
        CoordinatorMetrics.MajorityAvailable.Set(0);
        StartRecovery();
    }

    /// <summary>Until the log is read back: reports are kept, views answered, everything else waits.</summary>
    private void Recovering()
    {
        ReceiveReports();
        Receive<LogRecovered>(r =>
        {
            Recovered(r.Log);
            Become(Active);
            Stash.UnstashAll();
        });
        Receive<RecoveryFailed>(f =>
        {
            _majorityProblem = "recovering: " + f.Reason;
            if (_recoveryAttempts == 1 || _recoveryAttempts % 10 == 0)
            {
                _log.LogWarning("Rebalancer cannot start deciding yet (attempt {Attempt}): {Reason}; retrying every {Retry}", _recoveryAttempts, f.Reason, RecoveryRetry);
            }

            Timers.StartSingleTimer(RecoveryTimer, RetryRecovery.Instance, RecoveryRetry);
        });
        Receive<RetryRecovery>(_ => StartRecovery());
        Receive<GetRebalancerView>(_ => Sender.Tell(View()));
        Receive<GetPolicy>(_ => Sender.Tell(_policy));
        ReceiveAny(_ => Stash.Stash());
    }

    private void StartRecovery()
    {
        _recoveryAttempts++;
        _replication.RecoverAsync().PipeTo(Self,
            success: log => new LogRecovered(log),
            failure: e => new RecoveryFailed(e.GetBaseException().Message));
    }

    private void ReceiveReports()
    {
        Receive<GuestReportReceived>(OnGuestReport);
        Receive<HostReportReceived>(r =>
        {
            _view = _view.WithHostReport(r.Report, r.ReceivedAt);
            CoordinatorMetrics.SnapshotReports.WithLabels("host").Inc();
        });
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_guestSession))
            {
                _guestSession = null;
            }
        });
    }

    private void Active()
    {
        ReceiveReports();

        ReceiveAsync<MigrationResultReceived>(r => GuardedAsync("result", () => OnResultAsync(r.Result)));
        ReceiveAsync<CommandDeadlinePassed>(d => GuardedAsync("timeout", () => OnDeadlineAsync(d.CommandId)));
        ReceiveAsync<CommandUndeliverable>(u => GuardedAsync("undeliverable", () => OnUndeliverableAsync(u)));
        ReceiveAsync<RunRound>(_ => GuardedAsync("round", AutoRoundAsync));
        ReceiveAsync<RebalanceNow>(r => ReplyAsync("rebalance", () => ManualRoundAsync(r.DryRun)));
        ReceiveAsync<MoveTask>(m => ReplyAsync("move", () => MoveAsync(m)));
        ReceiveAsync<PauseRebalancing>(p => ReplyAsync("pause", () => PauseAsync(p)));
        ReceiveAsync<ResumeRebalancing>(_ => ReplyAsync("resume", ResumeAsync));
        ReceiveAsync<DrainNode>(d => ReplyAsync("drain", () => DrainAsync(d)));
        ReceiveAsync<UndrainNode>(u => ReplyAsync("undrain", () => UndrainAsync(u)));
        Receive<AdviseQuery>(a => Reply("advise", () =>
            DecisionEngine.Advise(Snapshot(), _policy.Policy, _state, a.CpuCores, a.MemoryBytes)));
        ReceiveAsync<ReloadPolicy>(r => ReplyAsync("reload", () => ReloadAsync(r)));
        Receive<GetPolicy>(_ => Sender.Tell(_policy));
        Receive<GetRebalancerView>(_ => Sender.Tell(View()));
        Receive<RetryRecovery>(_ => { });
        Receive<RecoveryFailed>(_ => { });
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private Snapshot Snapshot() => _view.ToSnapshot(Now, _drained);

    private void OnGuestReport(GuestReportReceived r)
    {
        _view = _view.WithGuestReport(r.Report, r.ReceivedAt);
        CoordinatorMetrics.SnapshotReports.WithLabels("guest").Inc();
        foreach (var node in r.Report.Nodes)
        {
            CoordinatorMetrics.NodeSteal.WithLabels(node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(node.StealRatio);
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

    /// <summary>The log was read back from this member's replica (caught up to a majority's highest position).</summary>
    private void Recovered(ReplicaLog log)
    {
        _lastSeq = log.Highest;
        var records = log.Entries.Select(e => e.Record).OfType<JournalRecord>().ToList();
        var changes = log.Entries.Select(e => e.State).OfType<StateRecord>().ToList();
        var state = ReplicatedState.Fold(changes, _settings.Vm);
        _drained = state.Drained;
        _paused = state.Paused;
        _pauseReason = state.PauseReason;
        if (state.Policy is { PolicyText: { } text } record)
        {
            var source = record.PolicySource ?? "replicated";
            var loaded = PolicyLoader.Load(text, source);
            if (loaded.Ok && loaded.Policy is not null)
            {
                _policy = new PolicyInForce(loaded.Policy, text, source, record.PolicyVersion ?? _policy.Version, record.Time);
            }
            else
            {
                _log.LogError("The replicated policy (sequence {Seq}) does not load here; keeping {PolicyName}: {Errors}",
                    record.Seq, _policy.Policy.Name, string.Join("; ", loaded.Errors));
            }
        }

        RebuildFromJournal(records);
        RestorePending(records);
        _majorityAvailable = true;
        _majorityProblem = null;
        CoordinatorMetrics.MajorityAvailable.Set(1);
        CoordinatorMetrics.Paused.Set(_paused ? 1 : 0);
        Timers.StartPeriodicTimer(RoundTimer, RunRound.Instance, _policy.Policy.Interval);
        _log.LogInformation(
            "Rebalancer for {Vm} started on member {Member} at log position {Seq} ({Records} journal records, {Changes} state changes): " +
            "policy {PolicyName} v{Version} ({Mode}, every {Interval}, dry-run {DryRun}), drained [{Drained}], paused {Paused}, {Pending} command(s) awaiting a result",
            _settings.Vm, _settings.Member, _lastSeq, records.Count, changes.Count, _policy.Policy.Name, _policy.Version,
            PolicyModeText.Name(_policy.Policy.Mode), _policy.Policy.Interval, _policy.Policy.DryRun, string.Join(",", _drained), _paused, _pending.Count);
    }

    private async Task AutoRoundAsync()
    {
        if (!_majorityAvailable)
        {
            // Nothing may be written until a majority answers again: ask the replicas (nothing is written).
            if (!_replication.MajorityReachable() || !await _replication.ProbeAsync())
            {
                CoordinatorMetrics.Rounds.WithLabels("no_majority").Inc();
                return;
            }

            MajorityBack();
        }

        if (_paused)
        {
            CoordinatorMetrics.Rounds.WithLabels("paused").Inc();
            return;
        }

        if (_view.Guest is null)
        {
            CoordinatorMetrics.Rounds.WithLabels("no_data").Inc();
            return;
        }

        if (!_replication.MajorityReachable())
        {
            NoMajority("round", $"fewer than {ClusterMajority.Of(_replication.ClusterSize)} of {_replication.ClusterSize} members reachable");
            CoordinatorMetrics.Rounds.WithLabels("no_majority").Inc();
            return;
        }

        var decided = await RoundAsync(_policy.Policy, MigrationTriggers.Auto, keepState: true);
        CoordinatorMetrics.Rounds.WithLabels(decided.Count > 0 ? "decided" : "idle").Inc();
    }

    private async Task<RebalanceOutcome> ManualRoundAsync(bool dryRun)
    {
        if (_view.Guest is null)
        {
            return new RebalanceOutcome([], "no guest report yet: nothing to decide on");
        }

        // A dry-run request must not leave cooldowns behind for moves that never happen.
        var policy = dryRun ? _policy.Policy with { DryRun = true } : _policy.Policy;
        var decided = await RoundAsync(policy, MigrationTriggers.Manual, keepState: !dryRun || _policy.Policy.DryRun);
        var message = decided.Count > 0
            ? $"{decided.Count} decision(s)"
            : !_majorityAvailable
                ? "no move: " + _majorityProblem
                : "no move: " + (_nodes.Any(n => n.Hot) ? "hot node(s) but no eligible move" : "no hot node");
        return new RebalanceOutcome(decided, message);
    }

    private async Task<List<ExecutedDecision>> RoundAsync(Policy policy, string trigger, bool keepState)
    {
        var started = Stopwatch.GetTimestamp();
        var snapshot = Snapshot();
        var before = _state;
        var result = DecisionEngine.Decide(snapshot, policy, _state);
        _nodes = result.Nodes;
        if (keepState)
        {
            _state = result.State;
        }

        foreach (var node in result.Nodes)
        {
            CoordinatorMetrics.NodeSmoothedSteal.WithLabels(node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(node.SmoothedStealRatio);
        }

        foreach (var note in result.Notes)
        {
            _log.LogDebug("Round note: {Note}", note);
        }

        var executed = await ExecuteAllAsync(result.Decisions, trigger, policy);
        if (keepState && executed.Count < result.Decisions.Count && snapshot.Time is { } time)
        {
            // Decisions no majority acknowledged were never sent: no cooldown for them.
            _state = executed.Where(e => !e.Decision.DryRun).Aggregate(
                result.State with { LastMoves = before.LastMoves, RecentMoves = before.RecentMoves },
                (state, e) => state.WithMove(e.Decision.Pid, e.Decision.StartTime, e.Decision.From, e.Decision.To, time));
        }

        _lastRound = snapshot.Time;
        _lastRoundDecisions = executed.Count;
        CoordinatorMetrics.RoundDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return executed;
    }

    /// <summary>Executes decisions in order; stops at the first one a majority did not acknowledge.</summary>
    private async Task<List<ExecutedDecision>> ExecuteAllAsync(IEnumerable<Decision> decisions, string trigger, Policy policy)
    {
        var executed = new List<ExecutedDecision>();
        foreach (var decision in decisions)
        {
            var done = await ExecuteAsync(decision, trigger, policy);
            if (done is null)
            {
                break;
            }

            executed.Add(done);
        }

        return executed;
    }

    private async Task<MoveOutcome> MoveAsync(MoveTask move)
    {
        var snapshot = Snapshot();
        var policy = move.DryRun ? _policy.Policy with { DryRun = true } : _policy.Policy;
        var check = DecisionEngine.CheckMove(snapshot, policy, _state, move.Pid, move.ToNode);
        if (check.Decision is null)
        {
            return new MoveOutcome(null, check.Refusal ?? "refused");
        }

        var decision = check.Decision with { DryRun = check.Decision.DryRun || move.DryRun || _policy.Policy.DryRun };
        var executed = await ExecuteAsync(decision, MigrationTriggers.Move, policy);
        if (executed is not null && !decision.DryRun && snapshot.Time is { } time)
        {
            _state = _state.WithMove(decision.Pid, decision.StartTime, decision.From, decision.To, time);
        }

        return executed is null
            ? new MoveOutcome(null, "the decision could not be journaled by a majority of members (see the coordinator's log): " + (_majorityProblem ?? "write failed"))
            : new MoveOutcome(executed, null);
    }

    private async Task<DrainOutcome> DrainAsync(DrainNode drain)
    {
        var snapshot = Snapshot();
        if (snapshot.Nodes.Count > 0 && snapshot.Nodes.All(n => n.Id != drain.Node))
        {
            return new DrainOutcome(_drained.ToList(), [], $"unknown node {drain.Node} (nodes: {string.Join(",", snapshot.Nodes.Select(n => n.Id))})");
        }

        if (!await ReplicateStateAsync(StateKinds.Drain, r => r with { Node = drain.Node }))
        {
            return new DrainOutcome(_drained.ToList(), [], null, "drain not recorded: " + _majorityProblem);
        }

        _drained = _drained.Add(drain.Node);
        _log.LogInformation("Node {NodeId} drained (evacuate {Evacuate})", drain.Node, drain.Evacuate);
        if (!drain.Evacuate || _view.Guest is null)
        {
            return new DrainOutcome(_drained.ToList(), [], null);
        }

        var result = DecisionEngine.Evacuate(Snapshot(), _policy.Policy, _state, drain.Node);
        _state = result.State;
        var executed = await ExecuteAllAsync(result.Decisions, MigrationTriggers.Evacuate, _policy.Policy);
        return new DrainOutcome(_drained.ToList(), executed, null);
    }

    private async Task<DrainOutcome> UndrainAsync(UndrainNode undrain)
    {
        if (!await ReplicateStateAsync(StateKinds.Undrain, r => r with { Node = undrain.Node }))
        {
            return new DrainOutcome(_drained.ToList(), [], null, "undrain not recorded: " + _majorityProblem);
        }

        _drained = _drained.Remove(undrain.Node);
        _log.LogInformation("Node {NodeId} undrained", undrain.Node);
        return new DrainOutcome(_drained.ToList(), [], null);
    }

    private async Task<PauseState> PauseAsync(PauseRebalancing pause)
    {
        if (!await ReplicateStateAsync(StateKinds.Pause, r => r with { Reason = pause.Reason }))
        {
            return new PauseState(_paused, "pause not recorded: " + _majorityProblem);
        }

        _paused = true;
        _pauseReason = pause.Reason;
        CoordinatorMetrics.Paused.Set(1);
        _log.LogWarning("Automatic rebalancing paused ({Reason})", pause.Reason ?? "no reason given");
        return new PauseState(true);
    }

    private async Task<PauseState> ResumeAsync()
    {
        if (!await ReplicateStateAsync(StateKinds.Resume, r => r))
        {
            return new PauseState(_paused, "resume not recorded: " + _majorityProblem);
        }

        _paused = false;
        _pauseReason = null;
        CoordinatorMetrics.Paused.Set(0);
        _log.LogInformation("Automatic rebalancing resumed");
        return new PauseState(false);
    }

    /// <summary>
    /// Journals the decision (acknowledged by a majority of members' journals), then sends its
    /// command unless dry-run. Null when no majority acknowledged it: nothing was sent.
    /// </summary>
    private async Task<ExecutedDecision?> ExecuteAsync(Decision decision, string trigger, Policy policy)
    {
        var now = Now;
        var migrationId = NewId("m");
        var commandId = decision.DryRun ? null : NewId("c");
        var record = new JournalRecord
        {
            Id = NewId("r"),
            Kind = JournalKinds.Decision,
            MigrationId = migrationId,
            CommandId = commandId,
            Time = now,
            Vm = _settings.Vm,
            Trigger = trigger,
            DryRun = decision.DryRun,
            Pid = decision.Pid,
            StartTime = decision.StartTime,
            Comm = decision.Comm,
            From = decision.From,
            To = decision.To,
            Reason = decision.Reason,
            Status = decision.DryRun ? MigrationStatuses.DryRun : MigrationStatuses.Pending,
            Member = _settings.Member,
            Seq = ++_lastSeq,
        };

        if (!await ReplicateAsync(ReplicatedEntry.Of(record), "decision"))
        {
            _log.LogError("The decision to move pid {Pid} from node {From} to node {To} was not journaled by a majority of members; no command sent",
                decision.Pid, decision.From, decision.To);
            return null;
        }

        CoordinatorMetrics.Decisions.WithLabels(trigger, decision.DryRun ? "true" : "false").Inc();
        _log.LogInformation("Decision {MigrationId} ({Trigger}{DryRunNote}): pid {Pid} ({Comm}) node {From} -> {To}: {Reason}",
            migrationId, trigger, decision.DryRun ? ", dry-run" : "", decision.Pid, decision.Comm, decision.From, decision.To, decision.Reason);
        if (decision.DryRun || commandId is null)
        {
            return new ExecutedDecision(decision, migrationId, null, trigger);
        }

        _settings.AfterDecisionJournaled?.Invoke();
        var deadline = now + policy.CommandTimeout;
        var command = new MigrateCommand
        {
            CommandId = commandId,
            MigrationId = migrationId,
            Vm = _settings.Vm,
            Pid = decision.Pid,
            StartTimeTicks = decision.StartTime ?? 0,
            Comm = decision.Comm ?? "",
            ToNode = (uint)decision.To,
            DryRun = false,
            Deadline = Timestamp.FromDateTimeOffset(deadline),
        };
        command.FromNodes.Add((uint)decision.From);
        _pending[commandId] = new PendingMigration(record, deadline);
        CoordinatorMetrics.PendingMigrations.Set(_pending.Count);
        _movesLastHour.Enqueue(now);
        Timers.StartSingleTimer(commandId, new CommandDeadlinePassed(commandId), policy.CommandTimeout);
        var deliver = new DeliverToGuest(_settings.Vm, commandId, new CoordinatorMessage { Migrate = command });
        if (_guestSession is { } session)
        {
            session.Tell(deliver);
        }
        else
        {
            Self.Tell(new CommandUndeliverable(commandId, $"no guest agent connected for vm {_settings.Vm}"));
        }

        return new ExecutedDecision(decision, migrationId, commandId, trigger);
    }

    private async Task OnResultAsync(MigrationResultData result)
    {
        var decision = _pending.Remove(result.CommandId, out var pending)
            ? pending.Decision
            : _recentByCommand.GetValueOrDefault(result.CommandId);
        Timers.Cancel(result.CommandId);
        CoordinatorMetrics.PendingMigrations.Set(_pending.Count);
        var late = pending is null;
        var record = ResultRecord(decision, result.CommandId, result.MigrationId, result.Status) with
        {
            Pid = decision?.Pid ?? result.Pid,
            PagesMoved = result.PagesMoved,
            PagesLeft = result.PagesLeft,
            DurationMs = result.DurationMs,
            Error = result.Error,
        };
        await AppendResultAsync(record);
        _log.LogInformation("Result {Status} for migration {MigrationId} (pid {Pid}){LateNote}: {PagesMoved} pages moved, {PagesLeft} left, {DurationMs} ms {Error}",
            result.Status, result.MigrationId, record.Pid, late ? ", after its deadline or unknown" : "", result.PagesMoved, result.PagesLeft, result.DurationMs, result.Error);
    }

    private async Task OnDeadlineAsync(string commandId)
    {
        if (!_pending.Remove(commandId, out var pending))
        {
            return;
        }

        CoordinatorMetrics.PendingMigrations.Set(_pending.Count);
        var record = ResultRecord(pending.Decision, commandId, pending.Decision.MigrationId, MigrationStatuses.Timeout) with
        {
            Error = $"no result by the deadline {pending.Deadline:O}",
        };
        await AppendResultAsync(record);
        _log.LogWarning("Migration {MigrationId} (pid {Pid}) timed out: no result by {Deadline}", pending.Decision.MigrationId, pending.Decision.Pid, pending.Deadline);
    }

    private async Task OnUndeliverableAsync(CommandUndeliverable undeliverable)
    {
        if (!_pending.Remove(undeliverable.CommandId, out var pending))
        {
            return;
        }

        Timers.Cancel(undeliverable.CommandId);
        CoordinatorMetrics.PendingMigrations.Set(_pending.Count);
        var record = ResultRecord(pending.Decision, undeliverable.CommandId, pending.Decision.MigrationId, MigrationStatuses.Failed) with
        {
            Error = "command not delivered: " + undeliverable.Reason,
        };
        await AppendResultAsync(record);
        _log.LogWarning("Migration {MigrationId} (pid {Pid}) not delivered: {Reason}", pending.Decision.MigrationId, pending.Decision.Pid, undeliverable.Reason);
    }

    private JournalRecord ResultRecord(JournalRecord? decision, string commandId, string migrationId, string status) => new()
    {
        Id = NewId("r"),
        Kind = JournalKinds.Result,
        MigrationId = decision?.MigrationId ?? migrationId,
        CommandId = commandId,
        Time = Now,
        Vm = _settings.Vm,
        Trigger = decision?.Trigger ?? MigrationTriggers.Auto,
        DryRun = false,
        Pid = decision?.Pid ?? 0,
        StartTime = decision?.StartTime,
        Comm = decision?.Comm,
        From = decision?.From,
        To = decision?.To,
        Reason = decision?.Reason,
        Status = status,
        Member = _settings.Member,
    };

    private async Task AppendResultAsync(JournalRecord record)
    {
        record = record with { Seq = ++_lastSeq };
        if (!await ReplicateAsync(ReplicatedEntry.Of(record), "result"))
        {
            _log.LogError("Result {Status} of migration {MigrationId} was not journaled by a majority of members", record.Status, record.MigrationId);
        }

        CoordinatorMetrics.Migrations.WithLabels(record.Status).Inc();
        Remember(record);
    }

    /// <summary>Keeps a migration's decision by command id, so a result arriving later (or after a failover) is journaled with it.</summary>
    private void Remember(JournalRecord record)
    {
        if (record.CommandId is { } commandId && !_recentByCommand.ContainsKey(commandId))
        {
            _recentByCommand[commandId] = record with { Kind = JournalKinds.Decision };
            _recentOrder.Enqueue(commandId);
            while (_recentOrder.Count > RecentLimit)
            {
                _recentByCommand.Remove(_recentOrder.Dequeue());
            }
        }
    }

    /// <summary>A state change, acknowledged by a majority before it takes effect.</summary>
    private Task<bool> ReplicateStateAsync(string kind, Func<StateRecord, StateRecord> fill)
    {
        var change = fill(new StateRecord
        {
            Id = NewId("s"),
            Seq = ++_lastSeq,
            Kind = kind,
            Time = Now,
            Vm = _settings.Vm,
            Member = _settings.Member,
        });
        return ReplicateAsync(ReplicatedEntry.Of(change), "state");
    }

    private async Task<bool> ReplicateAsync(ReplicatedEntry entry, string kind)
    {
        bool acknowledged;
        string problem;
        if (!_replication.MajorityReachable())
        {
            acknowledged = false;
            problem = $"fewer than {ClusterMajority.Of(_replication.ClusterSize)} of {_replication.ClusterSize} members reachable";
        }
        else
        {
            acknowledged = await _replication.ReplicateAsync(entry);
            problem = $"no majority ({ClusterMajority.Of(_replication.ClusterSize)} of {_replication.ClusterSize} members) acknowledged log entry {entry.Seq} in time";
            if (!acknowledged)
            {
                // This member's replica (or another) may hold the entry already, and replicas fill
                // gaps from each other: cancel it in the same log, with a higher sequence number.
                await CancelAsync(entry);
            }
        }

        if (!acknowledged)
        {
            CoordinatorMetrics.ReplicationFailures.WithLabels(kind).Inc();
            NoMajority(kind, problem);
            return false;
        }

        MajorityBack();
        return true;
    }

    /// <summary>
    /// Writes, to this member's replica (no majority needed), the entry that cancels
    /// <paramref name="failed"/>: an abort of a state change (so it never takes effect, here or
    /// after a failover), or a <c>failed</c> result of a decision (never restored as pending, never
    /// counted as a move). A result needs none: it reports what happened.
    /// </summary>
    private async Task CancelAsync(ReplicatedEntry failed)
    {
        ReplicatedEntry? cancel = failed switch
        {
            { State: { } change } => ReplicatedEntry.Of(new StateRecord
            {
                Id = NewId("s"),
                Seq = ++_lastSeq,
                Kind = StateKinds.Abort,
                Time = Now,
                Vm = change.Vm,
                Member = _settings.Member,
                Aborts = change.Id,
            }),
            { Record: { Kind: JournalKinds.Decision } decision } => ReplicatedEntry.Of(decision with
            {
                Id = NewId("r"),
                Kind = JournalKinds.Result,
                Time = Now,
                Status = MigrationStatuses.Failed,
                Error = NotSentError,
                Member = _settings.Member,
                Seq = ++_lastSeq,
            }),
            _ => null,
        };
        if (cancel is null)
        {
            return;
        }

        if (!await _replication.AppendLocalAsync(cancel))
        {
            _log.LogError("Could not write entry {Cancel} cancelling the unacknowledged log entry {Id} to this member's replica", cancel.Id, failed.Id);
        }
    }

    private void MajorityBack()
    {
        if (!_majorityAvailable)
        {
            _log.LogWarning("A majority of members answers again: the rebalancer issues commands again");
        }

        _majorityAvailable = true;
        _majorityProblem = null;
        CoordinatorMetrics.MajorityAvailable.Set(1);
    }

    private void NoMajority(string what, string problem)
    {
        if (_majorityAvailable)
        {
            _log.LogError("No majority of coordinator members ({What}): {Problem}; the rebalancer issues no command until a majority acknowledges again", what, problem);
        }

        _majorityAvailable = false;
        _majorityProblem = problem;
        CoordinatorMetrics.MajorityAvailable.Set(0);
    }

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

        if (!result.Ok || result.Policy is null)
        {
            var errors = result.Errors.Select(e => e.ToString()).ToList();
            CoordinatorMetrics.PolicyReloads.WithLabels("rejected").Inc();
            _log.LogWarning("Policy reload ({Cause}) from {Source} rejected, policy {PolicyName} v{Version} stays: {Errors}",
                reload.Cause, source, _policy.Policy.Name, _policy.Version, string.Join("; ", errors));
            return new PolicyReloadOutcome(false, errors, _policy, []);
        }

        var diff = PolicyDiff.Describe(_policy.Policy, result.Policy);
        if (diff.Count == 0 && text == _policy.Text)
        {
            CoordinatorMetrics.PolicyReloads.WithLabels("unchanged").Inc();
            _log.LogInformation("Policy reload ({Cause}) from {Source}: unchanged", reload.Cause, source);
            return new PolicyReloadOutcome(true, [], _policy, []);
        }

        var version = _policy.Version + 1;
        if (!await ReplicateStateAsync(StateKinds.Policy, r => r with { PolicyText = text, PolicySource = source, PolicyVersion = version }))
        {
            CoordinatorMetrics.PolicyReloads.WithLabels("unavailable").Inc();
            return new PolicyReloadOutcome(false, [], _policy, [], "policy reload not recorded: " + _majorityProblem);
        }

        var old = _policy.Policy;
        _policy = new PolicyInForce(result.Policy, text, source, version, Now);
        CoordinatorMetrics.PolicyReloads.WithLabels("accepted").Inc();
        _log.LogInformation("Policy reload ({Cause}) from {Source} accepted: {PolicyName} v{Version}, in force from the next round; changes: {Diff}",
            reload.Cause, source, _policy.Policy.Name, _policy.Version, diff.Count == 0 ? "(none)" : string.Join("; ", diff));
        if (old.Interval != result.Policy.Interval)
        {
            Timers.StartPeriodicTimer(RoundTimer, RunRound.Instance, result.Policy.Interval);
        }

        return new PolicyReloadOutcome(true, [], _policy, diff);
    }

    private RebalancerView View()
    {
        var hourAgo = Now - TimeSpan.FromHours(1);
        while (_movesLastHour.Count > 0 && _movesLastHour.Peek() < hourAgo)
        {
            _movesLastHour.Dequeue();
        }

        return new RebalancerView(Snapshot(), _nodes, _state, _policy, _paused, _pauseReason, _drained.ToList(),
            _lastRound, _lastRoundDecisions, _movesLastHour.Count, _pending.Count,
            _settings.Member, _settings.MemberAddress, _majorityAvailable && _majorityProblem is null, _majorityProblem, _lastSeq);
    }

    /// <summary>Cooldowns and return blocks from the journal: every real move that may have happened in the last day.</summary>
    private void RebuildFromJournal(IReadOnlyList<JournalRecord> records)
    {
        var since = Now - TimeSpan.FromDays(1);
        var hourAgo = Now - TimeSpan.FromHours(1);
        var rebuilt = 0;
        foreach (var migration in MigrationHistory.Fold(records))
        {
            var d = migration.Decision;
            if (d.DryRun || d.Vm != _settings.Vm || d.From is not { } from || d.To is not { } to || d.Time < since
                || !MigrationStatuses.MayHaveMoved(migration.Status))
            {
                continue;
            }

            _state = _state.WithMove(d.Pid, d.StartTime, from, to, d.Time);
            if (d.Time >= hourAgo)
            {
                _movesLastHour.Enqueue(d.Time);
            }

            rebuilt++;
        }

        _log.LogInformation("Journal read: {Records} records, cooldowns rebuilt from {Moves} recent moves", records.Count, rebuilt);
    }

    /// <summary>
    /// Commands a previous rebalancer sent that have no result yet: their results are still
    /// journaled when they come, and a timeout when their deadline passes first.
    /// </summary>
    private void RestorePending(IReadOnlyList<JournalRecord> records)
    {
        foreach (var migration in MigrationHistory.Fold(records))
        {
            var d = migration.Decision;
            if (d.CommandId is not { } commandId || d.DryRun || d.Vm != _settings.Vm)
            {
                continue;
            }

            Remember(d);
            if (migration.Status != MigrationStatuses.Pending || migration.Latest.Kind != JournalKinds.Decision)
            {
                continue;
            }

            var deadline = d.Time + _policy.Policy.CommandTimeout;
            _pending[commandId] = new PendingMigration(d, deadline);
            var left = deadline - Now;
            if (left > TimeSpan.Zero)
            {
                Timers.StartSingleTimer(commandId, new CommandDeadlinePassed(commandId), left);
            }
            else
            {
                Self.Tell(new CommandDeadlinePassed(commandId));
            }
        }

        CoordinatorMetrics.PendingMigrations.Set(_pending.Count);
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
