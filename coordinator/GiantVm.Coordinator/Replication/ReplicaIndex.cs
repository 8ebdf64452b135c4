using System.Collections.Immutable;

namespace GiantVm.Coordinator.Replication;

/// <summary>
/// What one replica holds, reduced to what replication decides on: the ids it has (each record
/// is kept once) and the highest sequence number seen. Immutable; the replica actor keeps the
/// current one.
/// </summary>
public sealed record ReplicaIndex(ImmutableHashSet<string> Ids, long Highest)
{
    /// <summary>How far back a catch-up starts below the highest sequence known, to pick up a record
    /// that shares its number with one written by a rebalancer that lost its majority.</summary>
    public const long CatchUpOverlap = 64;

    public static ReplicaIndex Empty { get; } = new(ImmutableHashSet.Create<string>(StringComparer.Ordinal), 0);

    public static ReplicaIndex From(IEnumerable<ReplicatedEntry> entries) => entries.Aggregate(Empty, (index, entry) => index.With(entry));

    public bool Contains(string id) => Ids.Contains(id);

    public ReplicaIndex With(ReplicatedEntry entry) => new(Ids.Add(entry.Id), Math.Max(Highest, entry.Seq));

    /// <summary>The sequence numbers missing right before <paramref name="entry"/> (a gap), or null.</summary>
    public (long From, long To)? GapBefore(ReplicatedEntry entry) =>
        entry.Seq > Highest + 1 ? (Highest + 1, entry.Seq - 1) : null;

    /// <summary>Where a catch-up from a peer starts.</summary>
    public long CatchUpFrom => Math.Max(0, Highest - CatchUpOverlap);

    /// <summary>The entries of <paramref name="incoming"/> this replica lacks, each once, in sequence order.</summary>
    public IReadOnlyList<ReplicatedEntry> Missing(IEnumerable<ReplicatedEntry> incoming)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return incoming.Where(e => !Ids.Contains(e.Id) && seen.Add(e.Id)).OrderBy(e => e.Seq).ToList();
    }

    /// <summary>
    /// One page of <paramref name="entries"/> (sorted by sequence) within [from, to]: at most
    /// <paramref name="limit"/> entries, but never splitting entries that share a sequence number.
    /// </summary>
    public static (IReadOnlyList<ReplicatedEntry> Page, bool More) PageOf(IReadOnlyList<ReplicatedEntry> entries, long from, long to, int limit)
    {
        var inRange = entries.Where(e => e.Seq >= from && e.Seq <= to).OrderBy(e => e.Seq).ToList();
        if (inRange.Count <= limit)
        {
            return (inRange, false);
        }

        var last = inRange[Math.Max(1, limit) - 1].Seq;
        var page = inRange.TakeWhile(e => e.Seq <= last).ToList();
        return (page, page.Count < inRange.Count);
    }
}
