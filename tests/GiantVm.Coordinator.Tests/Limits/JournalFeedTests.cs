using System.Threading.Channels;
using GiantVm.Coordinator.Journal;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Tests.Limits;

public sealed class JournalFeedTests
{
    private static JournalRecord Record(int i) => new() { Id = $"r{i}", Kind = JournalKinds.Decision, MigrationId = $"m{i}", Time = DateTimeOffset.UnixEpoch, Status = MigrationStatuses.Pending };

    [Fact]
    public async Task ASubscriberThatStopsReading_IsCutOffAtTheCapacity_OthersKeepEveryRecord()
    {
        var feed = new JournalFeed(capacity: 4);
        using var slow = feed.Subscribe();
        using var fast = feed.Subscribe();
        var got = new List<string>();

        for (var i = 0; i < 10; i++)
        {
            feed.Publish(Record(i));
            got.Add((await fast.Records.ReadAsync(TestContext.Current.CancellationToken)).Id);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), got);
        var read = new List<string>();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var r in slow.Records.ReadAllAsync(TestContext.Current.CancellationToken))
            {
                read.Add(r.Id);
            }
        });
        Assert.True(FeedOverflowException.Is(error), error.ToString());
        Assert.Equal(["r0", "r1", "r2", "r3"], read);
    }

    [Fact]
    public async Task WaitingOnARecord_AfterTheOverflow_ThrowsTheOverflow()
    {
        var feed = new JournalFeed(capacity: 1);
        using var slow = feed.Subscribe();
        feed.Publish(Record(0));
        feed.Publish(Record(1));

        Assert.Equal("r0", (await slow.Records.ReadAsync(TestContext.Current.CancellationToken)).Id);
        var error = await Assert.ThrowsAsync<ChannelClosedException>(async () => await slow.Records.ReadAsync(TestContext.Current.CancellationToken));
        Assert.IsType<FeedOverflowException>(error.InnerException);
    }
}
