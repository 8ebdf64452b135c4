using GiantVm.Coordinator.Policies;
using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;

namespace GiantVm.Coordinator.Rebalancing;

/// <summary>AgentSessionActor -> RebalancerActor: a validated guest report; no reply.</summary>
public sealed record GuestReportReceived(GuestReportData Report, DateTimeOffset ReceivedAt);

/// <summary>AgentSessionActor -> RebalancerActor: a validated host report; no reply.</summary>
public sealed record HostReportReceived(HostReportData Report, DateTimeOffset ReceivedAt);

/// <summary>AgentSessionActor -> RebalancerActor: a migration result from the guest agent; journaled, no reply.</summary>
public sealed record MigrationResultReceived(MigrationResultData Result, DateTimeOffset ReceivedAt);

/// <summary>Timer -> RebalancerActor: run an automatic decision round; no reply.</summary>
public sealed record RunRound
{
    public static RunRound Instance { get; } = new();
}

/// <summary>Timer -> RebalancerActor: a command's deadline passed; journals a timeout if no result came.</summary>
public sealed record CommandDeadlinePassed(string CommandId);

/// <summary>Admin -> RebalancerActor: a manual round now; replies <see cref="RebalanceOutcome"/>.</summary>
/// <param name="Actor">The certificate identity of the operator who asked (null: none); recorded with the decisions.</param>
public sealed record RebalanceNow(bool DryRun, string? Actor = null);

/// <summary>RebalancerActor -> admin: what a manual round decided (already journaled and sent).</summary>
public sealed record RebalanceOutcome(IReadOnlyList<ExecutedDecision> Decisions, string Message);

/// <summary>A decision with the ids it was journaled and sent under.</summary>
/// <param name="CommandId">Null for dry-run decisions (nothing sent).</param>
public sealed record ExecutedDecision(Decision Decision, string MigrationId, string? CommandId, string Trigger);

/// <summary>Admin -> RebalancerActor: move one task; replies <see cref="MoveOutcome"/>.</summary>
public sealed record MoveTask(int Pid, int ToNode, bool DryRun, string? Actor = null);

/// <summary>RebalancerActor -> admin: the move, or why it was refused.</summary>
public sealed record MoveOutcome(ExecutedDecision? Decision, string? Refusal);

/// <summary>Admin -> RebalancerActor: stop automatic rounds; replies <see cref="PauseState"/>.</summary>
public sealed record PauseRebalancing(string? Reason, string? Actor = null);

/// <summary>Admin -> RebalancerActor: resume automatic rounds; replies <see cref="PauseState"/>.</summary>
public sealed record ResumeRebalancing(string? Actor = null)
{
    public static ResumeRebalancing Instance { get; } = new();
}

/// <summary>RebalancerActor -> admin: whether automatic rounds are paused.</summary>
/// <param name="Unavailable">Set when the change was not made: the store did not persist its event (the reason).</param>
public sealed record PauseState(bool Paused, string? Unavailable = null);

/// <summary>Admin -> RebalancerActor: drain a node, optionally moving its tasks off; replies <see cref="DrainOutcome"/>.</summary>
public sealed record DrainNode(int Node, bool Evacuate, string? Actor = null);

/// <summary>Admin -> RebalancerActor: make a node a target again; replies <see cref="DrainOutcome"/>.</summary>
public sealed record UndrainNode(int Node, string? Actor = null);

/// <summary>RebalancerActor -> admin: the drained nodes, evacuation moves, or a refusal.</summary>
/// <param name="Unavailable">Set when the change was not made: the store did not persist its event (the reason).</param>
public sealed record DrainOutcome(IReadOnlyList<int> Drained, IReadOnlyList<ExecutedDecision> Decisions, string? Refusal, string? Unavailable = null);

/// <summary>Admin -> RebalancerActor: where a new BE task should start; replies <see cref="Advice"/>.</summary>
public sealed record AdviseQuery(double? CpuCores, long? MemoryBytes);

/// <summary>Admin or reload triggers -> RebalancerActor: replies <see cref="PolicyReloadOutcome"/>.</summary>
/// <param name="Content">New policy text; null re-reads the coordinator's own policy file.</param>
public sealed record ReloadPolicy(string? Content, string? SourceName, string Cause, string? Actor = null);

/// <summary>RebalancerActor -> asker: accepted (in force from the next round), rejected with errors, or not recorded because the store did not persist it (<see cref="Unavailable"/> says why; the policy in force stays).</summary>
public sealed record PolicyReloadOutcome(bool Accepted, IReadOnlyList<string> Errors, PolicyInForce Policy, IReadOnlyList<string> Diff, string? Unavailable = null);

/// <summary>Admin -> RebalancerActor: replies <see cref="PolicyInForce"/>.</summary>
public sealed record GetPolicy
{
    public static GetPolicy Instance { get; } = new();
}

/// <summary>Admin -> RebalancerActor: replies <see cref="RebalancerView"/>.</summary>
public sealed record GetRebalancerView
{
    public static GetRebalancerView Instance { get; } = new();
}

/// <summary>Self -> RebalancerActor: the store's event log recovered (recovery done).</summary>
internal sealed record StoreRecovered(GiantVm.Coordinator.Persistence.RecoveredState State);

/// <summary>Self -> RebalancerActor: recovery did not reach the store; retried by a timer.</summary>
internal sealed record RecoveryFailed(string Reason);

/// <summary>Self -> RebalancerActor: record the results received since the last one (in one write to the store).</summary>
internal sealed record RecordResults
{
    public static RecordResults Instance { get; } = new();
}

/// <summary>Timer -> RebalancerActor: try recovery again.</summary>
internal sealed record RetryRecovery
{
    public static RetryRecovery Instance { get; } = new();
}

/// <summary>Everything status, nodes, tasks and snapshot show, as of now.</summary>
/// <param name="Member">The member running the rebalancer.</param>
/// <param name="MemberAddress">Its Akka address (null outside a cluster).</param>
/// <param name="Recording">False while the store does not persist the rebalancer's events (commands held back) or recovery has not finished.</param>
/// <param name="RecordingProblem">Why not, when not.</param>
/// <param name="LogPosition">The sequence number of the rebalancer's last persisted event.</param>
public sealed record RebalancerView(
    Snapshot Snapshot,
    IReadOnlyList<NodeView> Nodes,
    DecisionState State,
    PolicyInForce Policy,
    bool Paused,
    string? PauseReason,
    IReadOnlyList<int> Drained,
    DateTimeOffset? LastRound,
    int LastRoundDecisions,
    int MigrationsLastHour,
    int PendingCommands,
    string Member = "",
    string? MemberAddress = null,
    bool Recording = true,
    string? RecordingProblem = null,
    long LogPosition = 0);
