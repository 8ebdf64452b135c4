using System.Collections.Immutable;
using System.Threading.Channels;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Journal;

/// <summary>
/// In-process fan-out of records just journaled, for WatchMigrations and waiting admin calls.
/// Subscribers get every record published after they subscribed.
/// </summary>
public sealed class JournalFeed
{
    private ImmutableList<Channel<JournalRecord>> _subscribers = [];

    /// <summary>Called by the journal's writer after a record is on disk.</summary>
    public void Publish(JournalRecord record)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Writer.TryWrite(record);
        }
    }

    public Subscription Subscribe()
    {
        var channel = Channel.CreateUnbounded<JournalRecord>(new UnboundedChannelOptions { SingleReader = true });
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(channel));
        return new Subscription(this, channel);
    }

    private void Remove(Channel<JournalRecord> channel)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(channel));
        channel.Writer.TryComplete();
    }

    /// <summary>One subscriber's records; dispose to stop receiving.</summary>
    public sealed class Subscription(JournalFeed feed, Channel<JournalRecord> channel) : IDisposable
    {
        public ChannelReader<JournalRecord> Records => channel.Reader;

        public void Dispose() => feed.Remove(channel);
    }
}
