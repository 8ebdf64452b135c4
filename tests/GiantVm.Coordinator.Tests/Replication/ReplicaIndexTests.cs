using GiantVm.Coordinator.Replication;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Tests.Replication;

public sealed class ReplicaIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    internal static ReplicatedEntry Record(long seq, string? id = null) => ReplicatedEntry.Of(new JournalRecord
    {
        Id = id ?? $"r-{seq}",
        Kind = JournalKinds.Decision,
        MigrationId = $"m-{seq}",
        Time = T0.AddSeconds(seq),
        Status = MigrationStatuses.Pending,
        Seq = seq,
    });

    internal static ReplicatedEntry Change(long seq, string kind, int? node = null) => ReplicatedEntry.Of(new StateRecord
    {
        Id = $"s-{seq}",
        Seq = seq,
        Kind = kind,
        Time = T0.AddSeconds(seq),
        Node = node,
    });

    [Fact]
    public void From_KnowsEveryIdAndTheHighestSequence()
    {
        var index = ReplicaIndex.From([Record(1), Change(2, StateKinds.Pause), Record(3)]);

        Assert.Equal(3, index.Highest);
        Assert.True(index.Contains("s-2"));
        Assert.False(index.Contains("r-4"));
    }

    [Theory]
    [InlineData(3, null, null)]
    [InlineData(4, null, null)]
    [InlineData(7, 4L, 6L)]
    public void GapBefore_NamesTheMissingSequenceNumbers(long next, long? from, long? to)
    {
        var index = ReplicaIndex.From([Record(1), Record(2), Record(3)]);

        var gap = index.GapBefore(Record(next));

        Assert.Equal(from, gap?.From);
        Assert.Equal(to, gap?.To);
    }

    [Fact]
    public void Missing_DropsWhatTheReplicaHas_AndDuplicatesInTheBatch_InSequenceOrder()
    {
        var index = ReplicaIndex.From([Record(1), Record(2)]);

        var missing = index.Missing([Record(4), Record(2), Record(3), Record(4)]);

        Assert.Equal(["r-3", "r-4"], missing.Select(e => e.Id));
    }

    [Fact]
    public void Missing_KeepsARecordThatSharesItsSequenceWithAnotherOne()
    {
        // A rebalancer that lost its majority wrote seq 3 on one member only; its successor reused 3.
        var index = ReplicaIndex.From([Record(1), Record(2), Record(3, "r-orphan")]);

        var missing = index.Missing([Record(3, "r-new"), Record(4)]);

        Assert.Equal(["r-new", "r-4"], missing.Select(e => e.Id));
        Assert.Equal(0, index.CatchUpFrom); // the catch-up starts below the highest sequence to find it
    }

    [Fact]
    public void PageOf_NeverSplitsASequenceNumber_AndSaysWhetherMoreRemain()
    {
        List<ReplicatedEntry> entries = [Record(1), Record(2), Record(3, "a"), Record(3, "b"), Record(4), Record(9)];

        var (first, more) = ReplicaIndex.PageOf(entries, 2, 8, limit: 2);
        var (rest, moreAfter) = ReplicaIndex.PageOf(entries, 4, 8, limit: 2);

        Assert.Equal(["r-2", "a", "b"], first.Select(e => e.Id));
        Assert.True(more);
        Assert.Equal(["r-4"], rest.Select(e => e.Id));
        Assert.False(moreAfter);
    }
}
