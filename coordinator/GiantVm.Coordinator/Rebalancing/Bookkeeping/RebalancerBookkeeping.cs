using System.Collections.Immutable;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Policies;
using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using Google.Protobuf.WellKnownTypes;
using Decision = GiantVm.Scheduling.Model.Decision;
using JournalRecord = GiantVm.Scheduling.Journal.JournalRecord;

namespace GiantVm.Coordinator.Rebalancing.Bookkeeping;

/// <summary>
/// The bookkeeping of one GiantVM instance's rebalancer, with no actor, clock or I/O in it (as
/// akka.net's split brain resolver keeps its decision in <c>DowningStrategy</c>): pending commands
/// and their deadlines, drained nodes, pause, cooldowns and return blocks, recent results, the
/// policy in force, and the latest reports.
/// <para>
/// Two kinds of calls. <c>Plan*</c> take a message and the time and return the events to record
/// (changing nothing but the transient decision inputs: nodes' smoothing and hysteresis).
/// <see cref="Apply"/> takes a recorded event, changes the state and returns the effects (commands
/// to send, timers); replaying every event through it (ignoring the effects) and then calling
/// <see cref="RecoveryCompleted"/> rebuilds the state.
/// </para>
/// </summary>
public sealed class RebalancerBookkeeping
{
    /// <summary>How many decisions are remembered by command id (for results that come late).</summary>
    public const int RecentLimit = 10_000;

    /// <summary>
    /// How many command ids of agent results for commands with no remembered decision (never
    /// decided here, or forgotten) are kept, so that a re-sent one is not recorded twice. Only the
    /// id is kept, not the record: such results lend nothing to a later one, and an agent that
    /// floods them must not fill the decisions' memory (and every snapshot) with them.
    /// </summary>
    public const int UnknownResultLimit = 1_000;

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Func<string, string> _newId;
    private readonly Dictionary<string, PendingMigration> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JournalRecord> _recentByCommand = new(StringComparer.Ordinal);
    private readonly HashSet<string> _agentResults = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private readonly Queue<string> _unknownResults = new();
    private readonly Queue<DateTimeOffset> _moves = new();
    private PolicyReloaded? _policyRecorded;

    /// <param name="vm">The instance decided for.</param>
    /// <param name="member">The member writing the records.</param>
    /// <param name="policy">The policy in force until a recorded reload replaces it.</param>
    /// <param name="newId">Makes a unique id with a prefix (<c>m</c> migration, <c>c</c> command, <c>r</c> record); version-7 GUIDs by default.</param>
    public RebalancerBookkeeping(string vm, string member, PolicyInForce policy, Func<string, string>? newId = null)
    {
        Vm = vm;
        Member = member;
        Policy = policy;
        _newId = newId ?? (prefix => prefix + "-" + Guid.CreateVersion7().ToString("N"));
    }

    public string Vm { get; }

    public string Member { get; }

    public PolicyInForce Policy { get; private set; }

    /// <summary>The latest reports (not recorded: the agents send new ones every interval).</summary>
    public ClusterView View { get; private set; } = ClusterView.Empty;

    /// <summary>Smoothing, hysteresis, cooldowns and return blocks.</summary>
    public DecisionState State { get; private set; } = DecisionState.Empty;

    /// <summary>The nodes as the last round saw them.</summary>
    public IReadOnlyList<NodeView> Nodes { get; private set; } = [];

    public ImmutableSortedSet<int> Drained { get; private set; } = [];

    public bool Paused { get; private set; }

    public string? PauseReason { get; private set; }

    public DateTimeOffset? LastRound { get; private set; }

    public int LastRoundDecisions { get; private set; }

    /// <summary>Commands sent and waiting for their result, by command id.</summary>
    public IReadOnlyDictionary<string, PendingMigration> Pending => _pending;

    /// <summary>Events applied since this object was made (replayed or live).</summary>
    public long EventsApplied { get; private set; }

    public void ObserveGuestReport(GuestReportData report, DateTimeOffset receivedAt) => View = View.WithGuestReport(report, receivedAt);

    public void ObserveHostReport(HostReportData report, DateTimeOffset receivedAt) => View = View.WithHostReport(report, receivedAt);

    /// <summary>The engine's input at <paramref name="now"/> (drained nodes marked).</summary>
    public Snapshot Snapshot(DateTimeOffset now) => View.ToSnapshot(now, Drained);

    /// <summary>Real moves sent in the hour before <paramref name="now"/>.</summary>
    public int MovesInHourBefore(DateTimeOffset now)
    {
        ForgetMovesBefore(now - Hour);
        return _moves.Count;
    }

    /// <summary>True when a result for the command is still awaited.</summary>
    public bool IsPending(string commandId) => _pending.ContainsKey(commandId);

    // ---- plans: what to record ----

    /// <summary>
    /// A decision round at <paramref name="now"/> with <paramref name="policy"/> (the policy in
    /// force, or it in dry-run for a dry-run request). The round's smoothing and hysteresis take
    /// effect now when <paramref name="keepState"/>; its moves count once their events are applied.
    /// </summary>
    public RoundPlan PlanRound(DateTimeOffset now, Policy policy, string trigger, bool keepState)
    {
        var snapshot = Snapshot(now);
        var before = State;
        var result = DecisionEngine.Decide(snapshot, policy, State);
        Nodes = result.Nodes;
        if (keepState)
        {
            State = result.State;
        }

        var planned = result.Decisions.Select(d => Plan(d, trigger, now, policy, holdsCooldown: keepState)).ToList();
        return new RoundPlan(now, planned, result.Notes, before, result.State, keepState);
    }

    /// <summary>
    /// After only the first <paramref name="recorded"/> decisions of <paramref name="plan"/> could
    /// be recorded: the others were never sent, so they leave no cooldown.
    /// </summary>
    public void AbandonRound(RoundPlan plan, int recorded)
    {
        if (!plan.KeepsState || recorded >= plan.Decisions.Count)
        {
            return;
        }

        State = plan.Decisions.Take(recorded).Select(p => p.Decision).Where(d => !d.DryRun).Aggregate(
            plan.After with { LastMoves = plan.Before.LastMoves, RecentMoves = plan.Before.RecentMoves },
            (state, d) => state.WithMove(d.Pid, d.StartTime, d.From, d.To, plan.Time));
    }

    /// <summary>The round is over: <paramref name="decisions"/> decisions were recorded.</summary>
    public void CompleteRound(DateTimeOffset time, int decisions)
    {
        LastRound = time;
        LastRoundDecisions = decisions;
    }

    /// <summary>An operator's move of one task (dry-run when asked or when the policy is).</summary>
    public MovePlan PlanMove(DateTimeOffset now, int pid, int toNode, bool dryRun)
    {
        var policy = dryRun ? Policy.Policy with { DryRun = true } : Policy.Policy;
        var check = DecisionEngine.CheckMove(Snapshot(now), policy, State, pid, toNode);
        if (check.Decision is null)
        {
            return new MovePlan(null, check.Refusal ?? "refused");
        }

        var decision = check.Decision with { DryRun = check.Decision.DryRun || dryRun || Policy.Policy.DryRun };
        return new MovePlan(Plan(decision, MigrationTriggers.Move, now, policy, holdsCooldown: !decision.DryRun), null);
    }

    /// <summary>Drain <paramref name="node"/>; refused when reports name nodes and it is not one of them.</summary>
    public DrainPlan PlanDrain(DateTimeOffset now, int node, bool evacuate)
    {
        var snapshot = Snapshot(now);
        return snapshot.Nodes.Count > 0 && snapshot.Nodes.All(n => n.Id != node)
            ? new DrainPlan(null, $"unknown node {node} (nodes: {string.Join(",", snapshot.Nodes.Select(n => n.Id))})")
            : new DrainPlan(new NodeDrained(now, Member, node, evacuate), null);
    }

    /// <summary>The moves that empty a drained node (none before the first guest report).</summary>
    public IReadOnlyList<PlannedDecision> PlanEvacuation(DateTimeOffset now, int node)
    {
        if (View.Guest is null)
        {
            return [];
        }

        var result = DecisionEngine.Evacuate(Snapshot(now), Policy.Policy, State, node);
        State = result.State;
        return result.Decisions.Select(d => Plan(d, MigrationTriggers.Evacuate, now, Policy.Policy, holdsCooldown: true)).ToList();
    }

    public NodeUndrained PlanUndrain(DateTimeOffset now, int node) => new(now, Member, node);

    public RebalancingPaused PlanPause(DateTimeOffset now, string? reason) => new(now, Member, reason);

    public RebalancingResumed PlanResume(DateTimeOffset now) => new(now, Member);

    /// <summary>A reload with a loaded (or rejected) policy and its text.</summary>
    public ReloadPlan PlanReload(DateTimeOffset now, PolicyLoadResult loaded, string text, string source)
    {
        if (!loaded.Ok || loaded.Policy is null)
        {
            var errors = loaded.Errors.Select(e => e.ToString()).ToList();
            return new ReloadPlan(null, errors.Count > 0 ? errors : ["the policy did not load"], []);
        }

        var diff = PolicyDiff.Describe(Policy.Policy, loaded.Policy);
        return diff.Count == 0 && text == Policy.Text
            ? new ReloadPlan(null, [], [])
            : new ReloadPlan(new PolicyReloaded(now, Member, text, source, Policy.Version + 1), [], diff);
    }

    /// <summary>
    /// A result from the guest agent. Null when this command's agent result is recorded already
    /// (a re-sent result): acknowledge it, record nothing.
    /// </summary>
    public ResultRecorded? PlanResult(DateTimeOffset now, MigrationResultData result)
    {
        if (_agentResults.Contains(result.CommandId))
        {
            return null;
        }

        var decision = _pending.TryGetValue(result.CommandId, out var pending)
            ? pending.Decision
            : _recentByCommand.GetValueOrDefault(result.CommandId);
        var record = ResultRecord(decision, result.CommandId, result.MigrationId, result.Status, now) with
        {
            Pid = decision?.Pid ?? result.Pid,
            PagesMoved = result.PagesMoved,
            PagesLeft = result.PagesLeft,
            DurationMs = result.DurationMs,
            Error = result.Error,
        };
        return new ResultRecorded(record, ResultOrigins.Agent);
    }

    /// <summary>
    /// Results received together, to record in one write: the <see cref="PlanResult"/> of each,
    /// in order, null for one recorded already, including by an earlier result of the same batch
    /// (a re-sent result is recorded once).
    /// </summary>
    public IReadOnlyList<ResultRecorded?> PlanResults(DateTimeOffset now, IReadOnlyList<MigrationResultData> results)
    {
        var inBatch = new HashSet<string>(StringComparer.Ordinal);
        return results.Select(r => inBatch.Add(r.CommandId) ? PlanResult(now, r) : null).ToList();
    }

    /// <summary>A command's deadline passed: a timeout, unless its result came first (null).</summary>
    public ResultRecorded? PlanDeadline(DateTimeOffset now, string commandId) =>
        _pending.TryGetValue(commandId, out var pending)
            ? new ResultRecorded(
                ResultRecord(pending.Decision, commandId, pending.Decision.MigrationId, MigrationStatuses.Timeout, now) with
                {
                    Error = $"no result by the deadline {pending.Deadline:O}",
                },
                ResultOrigins.Deadline)
            : null;

    /// <summary>A command could not be delivered: failed, unless it is no longer pending (null).</summary>
    public ResultRecorded? PlanUndeliverable(DateTimeOffset now, string commandId, string reason) =>
        _pending.TryGetValue(commandId, out var pending)
            ? new ResultRecorded(
                ResultRecord(pending.Decision, commandId, pending.Decision.MigrationId, MigrationStatuses.Failed, now) with
                {
                    Error = "command not delivered: " + reason,
                },
                ResultOrigins.Undelivered)
            : null;

    /// <summary>Where a new BE task should start, as of <paramref name="now"/>.</summary>
    public Advice Advise(DateTimeOffset now, double? cpuCores, long? memoryBytes) =>
        DecisionEngine.Advise(Snapshot(now), Policy.Policy, State, cpuCores, memoryBytes);

    // ---- applying recorded events ----

    /// <summary>Folds one recorded event into the state; returns what the actor must do (live only).</summary>
    public IReadOnlyList<RebalancerEffect> Apply(RebalancerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        EventsApplied++;
        switch (e)
        {
            case Decided d:
                return ApplyDecided(d);
            case ResultRecorded r:
                return ApplyResult(r);
            case NodeDrained d:
                Drained = Drained.Add(d.Node);
                return [];
            case NodeUndrained u:
                Drained = Drained.Remove(u.Node);
                return [];
            case RebalancingPaused p:
                Paused = true;
                PauseReason = p.Reason;
                return [];
            case RebalancingResumed:
                Paused = false;
                PauseReason = null;
                return [];
            case PolicyReloaded p:
                return ApplyPolicy(p);
            default:
                throw new ArgumentException($"unknown rebalancer event {e.GetType().Name}", nameof(e));
        }
    }

    /// <summary>
    /// After replaying the recorded events: every command still pending gets its deadline timer
    /// (its result is still recorded when it comes; a timeout when the deadline passes first).
    /// </summary>
    public IReadOnlyList<RebalancerEffect> RecoveryCompleted() =>
        _pending.Values.OrderBy(p => p.Deadline).Select(p => (RebalancerEffect)new StartDeadline(p.Decision.CommandId!, p.Deadline)).ToList();

    /// <summary>Everything the applied events built, to record as a snapshot.</summary>
    public RebalancerSnapshot TakeSnapshot() => new(
        _policyRecorded,
        Drained.ToList(),
        Paused,
        PauseReason,
        _pending.Values.OrderBy(p => p.Deadline).ToList(),
        _recentOrder.Select(id => _recentByCommand[id]).ToList(),
        [.. _recentOrder.Where(_agentResults.Contains), .. _unknownResults],
        State.LastMoves.Values.OrderBy(m => m.Time).ThenBy(m => m.Pid).ToList(),
        State.RecentMoves.ToList(),
        _moves.ToList());

    /// <summary>
    /// Starts a recovery from a snapshot (before the events recorded after it are applied);
    /// replaces whatever this object held. Returns <see cref="PolicyNotRestored"/> when the
    /// snapshot's policy does not load with this version.
    /// </summary>
    public IReadOnlyList<RebalancerEffect> Restore(RebalancerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _pending.Clear();
        _recentByCommand.Clear();
        _recentOrder.Clear();
        _unknownResults.Clear();
        _agentResults.Clear();
        _moves.Clear();
        Drained = [.. snapshot.Drained];
        Paused = snapshot.Paused;
        PauseReason = snapshot.PauseReason;
        foreach (var p in snapshot.Pending)
        {
            _pending[p.Decision.CommandId!] = p;
        }

        foreach (var r in snapshot.Recent)
        {
            Remember(r);
        }

        foreach (var id in snapshot.AgentResults)
        {
            if (_recentByCommand.ContainsKey(id))
            {
                _agentResults.Add(id);
            }
            else
            {
                RememberUnknownResult(id);
            }
        }

        foreach (var t in snapshot.MovesLastHour)
        {
            _moves.Enqueue(t);
        }

        State = DecisionState.Empty with
        {
            LastMoves = snapshot.LastMoves.ToImmutableDictionary(m => m.Pid),
            RecentMoves = [.. snapshot.RecentMoves],
        };
        return snapshot.Policy is { } policy ? ApplyPolicy(policy) : [];
    }

    private List<RebalancerEffect> ApplyDecided(Decided e)
    {
        var d = e.Decision;
        if (e.HoldsCooldown && d.From is { } from && d.To is { } to)
        {
            State = Forget(State, d.Time).WithMove(d.Pid, d.StartTime, from, to, d.Time);
        }

        if (d.DryRun || d.CommandId is not { } commandId || e.Deadline is not { } deadline)
        {
            return [];
        }

        Remember(d);
        _pending[commandId] = new PendingMigration(d, deadline);
        _moves.Enqueue(d.Time);
        ForgetMovesBefore(d.Time - Hour);
        var command = new MigrateCommand
        {
            CommandId = commandId,
            MigrationId = d.MigrationId,
            Vm = d.Vm,
            Pid = d.Pid,
            StartTimeTicks = d.StartTime ?? 0,
            Comm = d.Comm ?? "",
            ToNode = (uint)(d.To ?? 0),
            DryRun = false,
            Deadline = Timestamp.FromDateTimeOffset(deadline),
        };
        if (d.From is { } source)
        {
            command.FromNodes.Add((uint)source);
        }

        return [new StartDeadline(commandId, deadline), new SendCommand(command)];
    }

    private List<RebalancerEffect> ApplyResult(ResultRecorded e)
    {
        var r = e.Result;
        if (r.CommandId is not { } commandId)
        {
            return [];
        }

        if (_pending.TryGetValue(commandId, out var pending))
        {
            Remember(pending.Decision);
        }

        if (e.Origin == ResultOrigins.Agent)
        {
            if (_recentByCommand.ContainsKey(commandId))
            {
                _agentResults.Add(commandId);
            }
            else
            {
                // A result for a command with no remembered decision (never decided here, or
                // forgotten): only its id is kept, among the newest UnknownResultLimit.
                RememberUnknownResult(commandId);
            }
        }

        return _pending.Remove(commandId) ? [new CancelDeadline(commandId)] : [];
    }

    private List<RebalancerEffect> ApplyPolicy(PolicyReloaded e)
    {
        var loaded = PolicyLoader.Load(e.Text, e.Source);
        if (!loaded.Ok || loaded.Policy is null)
        {
            return [new PolicyNotRestored(e, loaded.Errors.Select(x => x.ToString()).ToList())];
        }

        var old = Policy.Policy;
        Policy = new PolicyInForce(loaded.Policy, e.Text, e.Source, e.Version, e.Time);
        _policyRecorded = e;
        return old.Interval != loaded.Policy.Interval ? [new SetRoundInterval(loaded.Policy.Interval)] : [];
    }

    /// <summary>Keeps a migration's decision by command id, so a result arriving later (or after a failover) is recorded with it.</summary>
    private void Remember(JournalRecord record)
    {
        if (record.CommandId is { } commandId && !_recentByCommand.ContainsKey(commandId))
        {
            _recentByCommand[commandId] = record with { Kind = JournalKinds.Decision };
            _recentOrder.Enqueue(commandId);
            while (_recentOrder.Count > RecentLimit)
            {
                var old = _recentOrder.Dequeue();
                _recentByCommand.Remove(old);
                _agentResults.Remove(old);
            }
        }
    }

    /// <summary>The command id of an agent result with no remembered decision: kept (the newest <see cref="UnknownResultLimit"/>) so that it is recorded once.</summary>
    private void RememberUnknownResult(string commandId)
    {
        if (!_agentResults.Add(commandId))
        {
            return;
        }

        _unknownResults.Enqueue(commandId);
        while (_unknownResults.Count > UnknownResultLimit)
        {
            _agentResults.Remove(_unknownResults.Dequeue());
        }
    }

    /// <summary>
    /// Drops moves no rule can look at any more as of <paramref name="now"/> (what the engine's
    /// own pruning does each round), so that replaying a long journal stays small.
    /// </summary>
    private DecisionState Forget(DecisionState state, DateTimeOffset now)
    {
        var memory = Policy.Policy.Cooldown > Policy.Policy.ReturnBlock ? Policy.Policy.Cooldown : Policy.Policy.ReturnBlock;
        if (memory < Minute)
        {
            memory = Minute;
        }

        var stale = state.LastMoves.Where(kv => now - kv.Value.Time >= memory).Select(kv => kv.Key).ToList();
        var recent = state.RecentMoves.RemoveAll(m => now - m.Time >= Minute);
        return stale.Count == 0 && recent.Count == state.RecentMoves.Count
            ? state
            : state with { LastMoves = state.LastMoves.RemoveRange(stale), RecentMoves = recent };
    }

    private void ForgetMovesBefore(DateTimeOffset since)
    {
        while (_moves.Count > 0 && _moves.Peek() < since)
        {
            _moves.Dequeue();
        }
    }

    private PlannedDecision Plan(Decision decision, string trigger, DateTimeOffset now, Policy policy, bool holdsCooldown)
    {
        var commandId = decision.DryRun ? null : _newId("c");
        var record = new JournalRecord
        {
            Id = _newId("r"),
            Kind = JournalKinds.Decision,
            MigrationId = _newId("m"),
            CommandId = commandId,
            Time = now,
            Vm = Vm,
            Trigger = trigger,
            DryRun = decision.DryRun,
            Pid = decision.Pid,
            StartTime = decision.StartTime,
            Comm = decision.Comm,
            From = decision.From,
            To = decision.To,
            Reason = decision.Reason,
            Status = decision.DryRun ? MigrationStatuses.DryRun : MigrationStatuses.Pending,
            Member = Member,
        };
        return new PlannedDecision(decision, new Decided(record, commandId is null ? null : now + policy.CommandTimeout, holdsCooldown));
    }

    private JournalRecord ResultRecord(JournalRecord? decision, string commandId, string migrationId, string status, DateTimeOffset now) => new()
    {
        Id = _newId("r"),
        Kind = JournalKinds.Result,
        MigrationId = decision?.MigrationId ?? migrationId,
        CommandId = commandId,
        Time = now,
        Vm = Vm,
        Trigger = decision?.Trigger ?? MigrationTriggers.Auto,
        DryRun = false,
        Pid = decision?.Pid ?? 0,
        StartTime = decision?.StartTime,
        Comm = decision?.Comm,
        From = decision?.From,
        To = decision?.To,
        Reason = decision?.Reason,
        Status = status,
        Member = Member,
    };
}
