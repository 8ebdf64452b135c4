namespace GiantVm.Coordinator.Metrics;

/// <summary>
/// One garbage collection as <see cref="GC.GetGCMemoryInfo(GCKind)"/> reports it: the fields a
/// leak check reads. <see cref="Index"/> 0 means no such collection has happened yet.
/// </summary>
/// <param name="PromotedBytes">Bytes the collection found reachable in the generations it
/// condemned; for a full (gen2) collection that is every generation, large and pinned object
/// heaps included: the live managed heap.</param>
/// <param name="HeapSizeBytes">Heap size after it, fragmentation (free space) included.</param>
internal readonly record struct GcCollection(long Index, int Generation, long PromotedBytes, long HeapSizeBytes, TimeSpan Pause)
{
    /// <summary>Reads the newest collection of <paramref name="kind"/> from the runtime.</summary>
    public static GcCollection Read(GCKind kind)
    {
        var info = GC.GetGCMemoryInfo(kind);
        var pause = TimeSpan.Zero;
        foreach (var p in info.PauseDurations)
        {
            pause += p;
        }

        return new GcCollection(info.Index, info.Generation, info.PromotedBytes, info.HeapSizeBytes, pause);
    }
}

/// <summary>The newest full collection and when this member first saw it.</summary>
/// <param name="SeenAt">The first <see cref="FullCollectionTracker.Observe"/> that returned it:
/// the collection ended at most one observation interval (a scrape of /metrics) before.</param>
internal sealed record FullCollectionReading(GcCollection Collection, bool Background, DateTimeOffset SeenAt);

/// <summary>
/// Follows the newest full (gen2) garbage collection, blocking or background, so that
/// /metrics can show the live managed heap (what that collection found reachable) and its age:
/// the heap size between full collections also counts gen0/gen1 garbage not collected yet.
/// </summary>
internal sealed class FullCollectionTracker
{
    private readonly object _gate = new();
    private FullCollectionReading? _last;

    /// <summary>
    /// The newer (higher index) of the last full blocking and the last background collection,
    /// stamped with <paramref name="now"/> the first time it is seen; null before any full collection.
    /// </summary>
    public FullCollectionReading? Observe(GcCollection fullBlocking, GcCollection background, DateTimeOffset now)
    {
        var newest = Newest(fullBlocking, background);
        if (newest is not { } n)
        {
            return null;
        }

        lock (_gate)
        {
            if (_last is null || n.Collection.Index > _last.Collection.Index)
            {
                _last = new FullCollectionReading(n.Collection, n.Background, now);
            }

            return _last;
        }
    }

    /// <summary>The newer of the two full collections (by GC index), or null if neither happened.</summary>
    internal static (GcCollection Collection, bool Background)? Newest(GcCollection fullBlocking, GcCollection background)
    {
        if (fullBlocking.Index <= 0 && background.Index <= 0)
        {
            return null;
        }

        return background.Index > fullBlocking.Index ? (background, true) : (fullBlocking, false);
    }
}
