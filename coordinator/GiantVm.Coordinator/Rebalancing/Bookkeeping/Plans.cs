using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;

namespace GiantVm.Coordinator.Rebalancing.Bookkeeping;

/// <summary>A decision of the engine and the event that records it (not applied yet).</summary>
public sealed record PlannedDecision(Decision Decision, Decided Event)
{
    /// <summary>The decision as the admin verbs report it once it is recorded.</summary>
    public ExecutedDecision Executed => new(Decision, Event.Decision.MigrationId, Event.Decision.CommandId, Event.Decision.Trigger);

    /// <summary>The same decision, recorded as asked for by <paramref name="actor"/> (an operator's identity; null: nobody named).</summary>
    public PlannedDecision By(string? actor) =>
        actor is null ? this : this with { Event = Event with { Decision = Event.Decision with { Actor = actor } } };
}

/// <summary>
/// What a round decided, to be recorded in order (stop at the first that cannot be; then
/// <see cref="RebalancerBookkeeping.AbandonRound"/>).
/// </summary>
/// <param name="Before">The decision state before the round (to undo the moves of decisions never recorded).</param>
/// <param name="After">The engine's state after the round (smoothing and hysteresis in force already).</param>
/// <param name="KeepsState">False for a one-off dry-run request: the round leaves nothing behind.</param>
public sealed record RoundPlan(
    DateTimeOffset Time,
    IReadOnlyList<PlannedDecision> Decisions,
    IReadOnlyList<string> Notes,
    DecisionState Before,
    DecisionState After,
    bool KeepsState);

/// <summary>A manual move: the decision to record, or why it is refused.</summary>
public sealed record MovePlan(PlannedDecision? Planned, string? Refusal);

/// <summary>A drain: the event to record, or why it is refused (unknown node).</summary>
public sealed record DrainPlan(NodeDrained? Event, string? Refusal);

/// <summary>
/// A policy reload: the event to record (accepted, with what changes), or the errors that reject
/// it, or nothing to record (unchanged).
/// </summary>
public sealed record ReloadPlan(PolicyReloaded? Event, IReadOnlyList<string> Errors, IReadOnlyList<string> Diff)
{
    public bool Rejected => Errors.Count > 0;

    public bool Unchanged => Event is null && Errors.Count == 0;
}
