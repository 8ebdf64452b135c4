using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Rebalancing.Bookkeeping;

/// <summary>
/// A change of one GiantVM instance's rebalancer state, recorded before it takes effect: what
/// the journal persists, and what <see cref="RebalancerBookkeeping.Apply"/> folds the state from
/// (live and on recovery alike). Reports, smoothing and hysteresis are not events: they are
/// rebuilt by the next reports.
/// </summary>
public abstract record RebalancerEvent;

/// <summary>
/// A decision (a migration log <c>decision</c> record). Persisted before its command is sent;
/// applying it makes the command pending until <paramref name="Deadline"/>.
/// </summary>
/// <param name="Decision">The record, with its migration and command ids (no command id when dry-run).</param>
/// <param name="Deadline">When a result must have come; null for dry-run decisions (nothing sent).</param>
/// <param name="HoldsCooldown">
/// True when the move counts for cooldowns and return blocks (every real move, and a dry-run
/// policy's own decisions); false for a one-off dry-run request, which must leave none behind.
/// </param>
public sealed record Decided(JournalRecord Decision, DateTimeOffset? Deadline, bool HoldsCooldown) : RebalancerEvent;

/// <summary>A migration's result (a migration log <c>result</c> record): from the agent, a deadline, or an undeliverable command.</summary>
/// <param name="Origin">One of <see cref="ResultOrigins"/>.</param>
public sealed record ResultRecorded(JournalRecord Result, string Origin) : RebalancerEvent;

/// <summary>A node taken out of the targets (an operator's drain).</summary>
public sealed record NodeDrained(DateTimeOffset Time, string Member, int Node, bool Evacuate) : RebalancerEvent
{
    /// <summary>The certificate identity of the operator who asked for it; null without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Actor { get; init; }
}


/// <summary>A drained node made a target again.</summary>
public sealed record NodeUndrained(DateTimeOffset Time, string Member, int Node) : RebalancerEvent
{
    /// <summary>The certificate identity of the operator who asked for it; null without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Actor { get; init; }
}


/// <summary>Automatic rounds stopped (manual verbs still work).</summary>
public sealed record RebalancingPaused(DateTimeOffset Time, string Member, string? Reason) : RebalancerEvent
{
    /// <summary>The certificate identity of the operator who asked for it; null without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Actor { get; init; }
}


/// <summary>Automatic rounds run again.</summary>
public sealed record RebalancingResumed(DateTimeOffset Time, string Member) : RebalancerEvent
{
    /// <summary>The certificate identity of the operator who asked for it; null without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Actor { get; init; }
}


/// <summary>A policy accepted by a reload: its whole text, so that replay parses the same policy.</summary>
/// <param name="Source">File path, shipped name, or the name an admin gave the content.</param>
/// <param name="Version">The instance's policy version from now on (the previous one + 1).</param>
public sealed record PolicyReloaded(DateTimeOffset Time, string Member, string Text, string Source, int Version) : RebalancerEvent
{
    /// <summary>The certificate identity of the operator who asked for it; null without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Actor { get; init; }
}


/// <summary>Values of <see cref="ResultRecorded.Origin"/>.</summary>
public static class ResultOrigins
{
    /// <summary>The guest agent's MigrationResult.</summary>
    public const string Agent = "agent";

    /// <summary>No result by the command's deadline (status <c>timeout</c>).</summary>
    public const string Deadline = "deadline";

    /// <summary>The command could not be handed to a guest agent session (status <c>failed</c>).</summary>
    public const string Undelivered = "undelivered";

    /// <summary>The decision was never sent (its record was not acknowledged; status <c>failed</c>).</summary>
    public const string NotSent = "not-sent";
}
