using System.Collections.Immutable;
using System.Threading.Channels;
using GiantVm.Coordinator.Metrics;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Journal;

/// <summary>
/// In-process fan-out of records just journaled, for WatchMigrations and waiting admin calls.
/// Subscribers get every record published after they subscribed. Each subscriber holds at most
/// <see cref="Capacity"/> unread records: one that falls further behind (a <c>migrations --follow</c>
/// client that stopped reading) is cut off, its reader failing with <see cref="FeedOverflowException"/>;
/// the journal writer never waits for a subscriber and no subscriber grows without bound.
/// </summary>
public sealed class JournalFeed(int capacity = JournalFeed.DefaultCapacity)
{
    public const int DefaultCapacity = 1024;

    private ImmutableList<Channel<JournalRecord>> _subscribers = [];

    public int Capacity { get; } = capacity;

    /// <summary>Called by the journal's writer after a record is on disk.</summary>
    public void Publish(JournalRecord record)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (!subscriber.Writer.TryWrite(record) && Remove(subscriber, new FeedOverflowException(Capacity)))
            {
                CoordinatorMetrics.LimitRefused.WithLabels("follow_backlog").Inc();
            }
        }
    }

    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<JournalRecord>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails instead of waiting: see Publish
        });
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(channel));
        return new Subscription(this, channel);
    }

    /// <summary>Unsubscribes; true when this call completed the channel (with <paramref name="error"/> if given).</summary>
    private bool Remove(Channel<JournalRecord> channel, Exception? error = null)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(channel));
        return channel.Writer.TryComplete(error);
    }

    /// <summary>One subscriber's records; dispose to stop receiving.</summary>
    public sealed class Subscription(JournalFeed feed, Channel<JournalRecord> channel) : IDisposable
    {
        public ChannelReader<JournalRecord> Records => channel.Reader;

        public void Dispose() => feed.Remove(channel);
    }
}
