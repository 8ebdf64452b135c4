using GiantVm.Common;

namespace GiantVm.Coordinator.Persistence;

/// <summary>What a journal holds for one persistence id, as far as retention needs it.</summary>
/// <param name="PersistenceId">The entity (<c>rebalancer-VM</c>).</param>
/// <param name="HighestSequenceNr">Its highest sequence number in the journal.</param>
/// <param name="FirstKeptSequenceNr">Its lowest sequence number written at or after the cutoff (null: every event is older).</param>
/// <param name="SnapshotSequenceNr">Its newest snapshot's sequence number (null: no snapshot).</param>
public sealed record JournalFacts(string PersistenceId, long HighestSequenceNr, long? FirstKeptSequenceNr, long? SnapshotSequenceNr);

/// <summary>
/// <c>--retain</c>: how long the migration log's rows and the rebalancers' events are kept.
/// Pure decisions; <see cref="StoreRetention"/> runs them against the store.
/// </summary>
public static class RetentionPolicy
{
    /// <summary>The default: thirty days.</summary>
    public const string Default = "30d";

    /// <summary>
    /// Parses a <c>--retain</c> value: a duration (<c>30d</c>, <c>12h</c>, <c>90m</c>, see
    /// <see cref="DurationText"/>), or <c>0</c>/<c>off</c> to keep everything (null). Throws
    /// <see cref="UsageException"/> naming the value and what is expected.
    /// </summary>
    public static TimeSpan? Parse(string? text)
    {
        var value = (text ?? Default).Trim();
        if (value.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!DurationText.TryParse(value, out var retain))
        {
            throw new UsageException($"--retain '{text}': expected a duration such as 30d, 12h or 90m ({DurationText.Examples}), or 0/off to keep everything");
        }

        return retain == TimeSpan.Zero ? null : retain;
    }

    /// <summary>Rows and events older than this are deleted (null: <paramref name="retain"/> is off, nothing is).</summary>
    public static DateTimeOffset? Cutoff(DateTimeOffset now, TimeSpan? retain) =>
        retain is { } keep ? now - keep : null;

    /// <summary>
    /// The highest sequence number of <paramref name="facts"/>' persistence id whose event may be
    /// deleted (it and every lower one), or null for none. An event goes only when it and every
    /// event before it are older than the cutoff (a member's clock may have lagged), when the newest
    /// snapshot covers it (recovery starts from the snapshot, never from a deleted event), and
    /// never the highest one (the journal numbers the entity's next event after it).
    /// </summary>
    public static long? JournalDeleteUpTo(JournalFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.SnapshotSequenceNr is not { } snapshot)
        {
            return null;
        }

        var lastOld = (facts.FirstKeptSequenceNr ?? long.MaxValue) - 1;
        var upTo = Math.Min(Math.Min(lastOld, snapshot), facts.HighestSequenceNr - 1);
        return upTo >= 1 ? upTo : null;
    }
}
