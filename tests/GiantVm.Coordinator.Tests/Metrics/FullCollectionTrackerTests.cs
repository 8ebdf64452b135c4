using System.Globalization;
using GiantVm.Coordinator.Metrics;

namespace GiantVm.Coordinator.Tests.Metrics;

public sealed class FullCollectionTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 20, 0, 0, TimeSpan.Zero);

    private static GcCollection Gc(long index, long promoted = 50 << 20) =>
        new(index, 2, promoted, promoted + (4 << 20), TimeSpan.FromMilliseconds(20));

    [Theory]
    [InlineData(0, 0, null)] // no full collection yet
    [InlineData(7, 0, "blocking")]
    [InlineData(0, 7, "background")]
    [InlineData(9, 7, "blocking")]
    [InlineData(7, 9, "background")]
    public void Newest_IsTheFullCollectionWithTheHigherIndex(long blocking, long background, string? expected)
    {
        var newest = FullCollectionTracker.Newest(Gc(blocking), Gc(background));

        Assert.Equal(expected, newest is { } n ? (n.Background ? "background" : "blocking") : null);
        if (newest is { } x)
        {
            Assert.Equal(Math.Max(blocking, background), x.Collection.Index);
        }
    }

    [Fact]
    public void Observe_StampsACollectionWhenFirstSeen_AndKeepsThatTimeUntilANewerOne()
    {
        var tracker = new FullCollectionTracker();

        Assert.Null(tracker.Observe(Gc(0), Gc(0), T0));
        var first = tracker.Observe(Gc(5, 40 << 20), Gc(3), T0.AddSeconds(10));
        var again = tracker.Observe(Gc(5, 40 << 20), Gc(3), T0.AddSeconds(20));
        var newer = tracker.Observe(Gc(5, 40 << 20), Gc(8, 45 << 20), T0.AddSeconds(30));

        Assert.Equal((5L, 40L << 20, T0.AddSeconds(10)), (first!.Collection.Index, first.Collection.PromotedBytes, first.SeenAt));
        Assert.Equal(T0.AddSeconds(10), again!.SeenAt);
        Assert.Equal((8L, 45L << 20, true, T0.AddSeconds(30)), (newer!.Collection.Index, newer.Collection.PromotedBytes, newer.Background, newer.SeenAt));
    }

    [Fact]
    public void Observe_NeverGoesBackToAnOlderCollection()
    {
        var tracker = new FullCollectionTracker();
        tracker.Observe(Gc(8), Gc(0), T0);

        var reading = tracker.Observe(Gc(6), Gc(0), T0.AddSeconds(10));

        Assert.Equal((8L, T0), (reading!.Collection.Index, reading.SeenAt));
    }

    [Fact]
    public void Read_AfterAFullCollection_CountsLiveLargeObjects_NotGarbage()
    {
        var live = new byte[32 << 20]; // large object heap
        for (var i = 0; i < 64; i++)
        {
            GC.KeepAlive(new byte[1 << 20]); // 64 MiB of garbage
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var full = GcCollection.Read(GCKind.FullBlocking);

        Assert.Equal(2, full.Generation);
        Assert.True(full.Index > 0);
        Assert.InRange(full.PromotedBytes, live.Length, full.HeapSizeBytes);
        Assert.InRange(full.PromotedBytes, live.Length, live.Length + (256L << 20)); // the test host's own heap is far below 256 MiB
        GC.KeepAlive(live);
    }

    [Fact]
    public async Task Metrics_ShowTheNewestFullCollection_AndWhenItWasSeen()
    {
        CoordinatorMetrics.EnsureInitialized();
        var live = new byte[16 << 20];
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        using var text = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(text, TestContext.Current.CancellationToken);
        var metrics = System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n');

        double Value(string name) => double.Parse(metrics.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.True(Value("giantvm_gc_full_collection_live_bytes") >= live.Length);
        Assert.True(Value("giantvm_gc_full_collection_heap_bytes") >= Value("giantvm_gc_full_collection_live_bytes"));
        Assert.InRange(Value("giantvm_gc_full_collection_seen_timestamp_seconds"), before.ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(Value("giantvm_gc_full_collection_pause_seconds") > 0);
        GC.KeepAlive(live);
    }
}
