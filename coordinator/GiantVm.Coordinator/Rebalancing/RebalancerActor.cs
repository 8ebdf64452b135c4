using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Journal;
using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Policies;
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
/// The decision loop of one GiantVM instance: keeps the latest reports, every policy interval
/// builds the snapshot and calls <see cref="DecisionEngine.Decide"/>, journals each decision
/// (flushed) before sending its command to the guest agent, and journals every result,
/// including late ones and deadline timeouts. Holds the <see cref="DecisionState"/> across rounds
/// and rebuilds cooldowns from the journal when it starts.
/// </summary>
public sealed class RebalancerActor : ReceiveActor, IWithTimers
{
    private const string RoundTimer = "round";
    private const int RecentLimit = 10_000;

    private readonly RebalancerSettings _settings;
    private readonly IMigrationJournal _journal;
    private readonly JournalFeed _feed;
    private readonly IActorRef _sessions;
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

    public RebalancerActor(
        RebalancerSettings settings,
        PolicyInForce policy,
        IMigrationJournal journal,
        JournalFeed feed,
        IActorRef sessions,
        TimeProvider time,
        ILogger<RebalancerActor> log)
    {
        _settings = settings;
        _policy = policy;
        _journal = journal;
        _feed = feed;
        _sessions = sessions;
        _time = time;
        _log = log;

        Receive<GuestReportReceived>(OnGuestReport);
        Receive<HostReportReceived>(r =>
        {
            _view = _view.WithHostReport(r.Report, r.ReceivedAt);
            CoordinatorMetrics.SnapshotReports.WithLabels("host").Inc();
        });
        Receive<MigrationResultReceived>(r => Guarded("result", () => OnResult(r.Result)));
        Receive<CommandDeadlinePassed>(d => Guarded("timeout", () => OnDeadline(d.CommandId)));
        Receive<CommandUndeliverable>(u => Guarded("undeliverable", () => OnUndeliverable(u)));
        Receive<RunRound>(_ => Guarded("round", AutoRound));
        Receive<RebalanceNow>(r => Reply("rebalance", () => ManualRound(r.DryRun)));
        Receive<MoveTask>(m => Reply("move", () => Move(m)));
        Receive<PauseRebalancing>(p =>
        {
            _paused = true;
            _pauseReason = p.Reason;
            CoordinatorMetrics.Paused.Set(1);
            _log.LogWarning("Automatic rebalancing paused ({Reason})", p.Reason ?? "no reason given");
            Sender.Tell(new PauseState(true));
        });
        Receive<ResumeRebalancing>(_ =>
        {
            _paused = false;
            _pauseReason = null;
            CoordinatorMetrics.Paused.Set(0);
            _log.LogInformation("Automatic rebalancing resumed");
            Sender.Tell(new PauseState(false));
        });
        Receive<DrainNode>(d => Reply("drain", () => Drain(d)));
        Receive<UndrainNode>(u =>
        {
            _drained = _drained.Remove(u.Node);
            _log.LogInformation("Node {NodeId} undrained", u.Node);
            Sender.Tell(new DrainOutcome(_drained.ToList(), [], null));
        });
        Receive<AdviseQuery>(a => Reply("advise", () =>
            DecisionEngine.Advise(Snapshot(), _policy.Policy, _state, a.CpuCores, a.MemoryBytes)));
        Receive<ReloadPolicy>(r => Reply("reload", () => Reload(r)));
        Receive<GetPolicy>(_ => Sender.Tell(_policy));
        Receive<GetRebalancerView>(_ => Sender.Tell(View()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        RebalancerSettings settings,
        PolicyInForce policy,
        IMigrationJournal journal,
        JournalFeed feed,
        IActorRef sessions,
        TimeProvider time,
        ILogger<RebalancerActor> log) =>
        Akka.Actor.Props.Create(() => new RebalancerActor(settings, policy, journal, feed, sessions, time, log));

    protected override void PreStart()
    {
        RebuildFromJournal();
        Timers.StartPeriodicTimer(RoundTimer, RunRound.Instance, _policy.Policy.Interval);
        _log.LogInformation("Rebalancer for {Vm} started with policy {PolicyName} ({Mode}, every {Interval}, dry-run {DryRun})",
            _settings.Vm, _policy.Policy.Name, PolicyModeText.Name(_policy.Policy.Mode), _policy.Policy.Interval, _policy.Policy.DryRun);
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
    }

    private void AutoRound()
    {
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

        var decided = Round(_policy.Policy, MigrationTriggers.Auto, keepState: true);
        CoordinatorMetrics.Rounds.WithLabels(decided.Count > 0 ? "decided" : "idle").Inc();
    }

    private RebalanceOutcome ManualRound(bool dryRun)
    {
        if (_view.Guest is null)
        {
            return new RebalanceOutcome([], "no guest report yet: nothing to decide on");
        }

        // A dry-run request must not leave cooldowns behind for moves that never happen.
        var policy = dryRun ? _policy.Policy with { DryRun = true } : _policy.Policy;
        var decided = Round(policy, MigrationTriggers.Manual, keepState: !dryRun || _policy.Policy.DryRun);
        var message = decided.Count > 0
            ? $"{decided.Count} decision(s)"
            : "no move: " + (_nodes.Any(n => n.Hot) ? "hot node(s) but no eligible move" : "no hot node");
        return new RebalanceOutcome(decided, message);
    }

    private List<ExecutedDecision> Round(Policy policy, string trigger, bool keepState)
    {
        var started = Stopwatch.GetTimestamp();
        var snapshot = Snapshot();
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

        var executed = result.Decisions.Select(d => Execute(d, trigger, policy)).OfType<ExecutedDecision>().ToList();
        _lastRound = snapshot.Time;
        _lastRoundDecisions = executed.Count;
        CoordinatorMetrics.RoundDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return executed;
    }

    private MoveOutcome Move(MoveTask move)
    {
        var snapshot = Snapshot();
        var policy = move.DryRun ? _policy.Policy with { DryRun = true } : _policy.Policy;
        var check = DecisionEngine.CheckMove(snapshot, policy, _state, move.Pid, move.ToNode);
        if (check.Decision is null)
        {
            return new MoveOutcome(null, check.Refusal ?? "refused");
        }

        var decision = check.Decision with { DryRun = check.Decision.DryRun || move.DryRun || _policy.Policy.DryRun };
        var executed = Execute(decision, MigrationTriggers.Move, policy);
        if (executed is not null && !decision.DryRun && snapshot.Time is { } time)
        {
            _state = _state.WithMove(decision.Pid, decision.StartTime, decision.From, decision.To, time);
        }

        return executed is null
            ? new MoveOutcome(null, "the decision could not be journaled (see the coordinator's log)")
            : new MoveOutcome(executed, null);
    }

    private DrainOutcome Drain(DrainNode drain)
    {
        var snapshot = Snapshot();
        if (snapshot.Nodes.Count > 0 && snapshot.Nodes.All(n => n.Id != drain.Node))
        {
            return new DrainOutcome(_drained.ToList(), [], $"unknown node {drain.Node} (nodes: {string.Join(",", snapshot.Nodes.Select(n => n.Id))})");
        }

        _drained = _drained.Add(drain.Node);
        _log.LogInformation("Node {NodeId} drained (evacuate {Evacuate})", drain.Node, drain.Evacuate);
        if (!drain.Evacuate || _view.Guest is null)
        {
            return new DrainOutcome(_drained.ToList(), [], null);
        }

        var result = DecisionEngine.Evacuate(Snapshot(), _policy.Policy, _state, drain.Node);
        _state = result.State;
        var executed = result.Decisions.Select(d => Execute(d, MigrationTriggers.Evacuate, _policy.Policy)).OfType<ExecutedDecision>().ToList();
        return new DrainOutcome(_drained.ToList(), executed, null);
    }

    /// <summary>Journals the decision (flushed), then sends its command unless dry-run. Null when journaling failed.</summary>
    private ExecutedDecision? Execute(Decision decision, string trigger, Policy policy)
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
        };

        try
        {
            _journal.Append(record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogError(e, "Could not journal the decision to move pid {Pid} from node {From} to node {To}; no command sent",
                decision.Pid, decision.From, decision.To);
            return null;
        }

        _feed.Publish(record);
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
        _sessions.Tell(new DeliverToGuest(_settings.Vm, commandId, new CoordinatorMessage { Migrate = command }));
        return new ExecutedDecision(decision, migrationId, commandId, trigger);
    }

    private void OnResult(MigrationResultData result)
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
        AppendResult(record);
        _log.LogInformation("Result {Status} for migration {MigrationId} (pid {Pid}){LateNote}: {PagesMoved} pages moved, {PagesLeft} left, {DurationMs} ms {Error}",
            result.Status, result.MigrationId, record.Pid, late ? ", after its deadline or unknown" : "", result.PagesMoved, result.PagesLeft, result.DurationMs, result.Error);
    }

    private void OnDeadline(string commandId)
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
        AppendResult(record);
        _log.LogWarning("Migration {MigrationId} (pid {Pid}) timed out: no result by {Deadline}", pending.Decision.MigrationId, pending.Decision.Pid, pending.Deadline);
    }

    private void OnUndeliverable(CommandUndeliverable undeliverable)
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
        AppendResult(record);
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

    private void AppendResult(JournalRecord record)
    {
        _journal.Append(record);
        _feed.Publish(record);
        CoordinatorMetrics.Migrations.WithLabels(record.Status).Inc();
        if (record.CommandId is { } commandId && !_recentByCommand.ContainsKey(commandId))
        {
            var decision = record with { Kind = JournalKinds.Decision };
            _recentByCommand[commandId] = decision;
            _recentOrder.Enqueue(commandId);
            while (_recentOrder.Count > RecentLimit)
            {
                _recentByCommand.Remove(_recentOrder.Dequeue());
            }
        }
    }

    private PolicyReloadOutcome Reload(ReloadPolicy reload)
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

        var old = _policy.Policy;
        _policy = new PolicyInForce(result.Policy, text, source, _policy.Version + 1, Now);
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
            _lastRound, _lastRoundDecisions, _movesLastHour.Count, _pending.Count);
    }

    /// <summary>Cooldowns and return blocks from the journal: every real move that may have happened in the last day.</summary>
    private void RebuildFromJournal()
    {
        IReadOnlyList<JournalRecord> records;
        try
        {
            records = _journal.ReadAll();
        }
        catch (Exception e) when (e is IOException or JournalFormatException or UnauthorizedAccessException)
        {
            _log.LogError(e, "Could not read the migration journal; starting without cooldowns");
            return;
        }

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

    private void Guarded(string what, Action action)
    {
        try
        {
            action();
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

    private static string NewId(string prefix) => prefix + "-" + Guid.CreateVersion7().ToString("N");
}
