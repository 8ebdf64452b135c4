namespace GiantVm.Coordinator.Journal;

/// <summary>A feed subscriber fell more than Capacity records behind and was cut off.</summary>
public sealed class FeedOverflowException(int capacity)
    : Exception($"more than {capacity} journal records were waiting unread (the client reads too slowly); reconnect to resume from the journal")
{
    public int Capacity { get; } = capacity;

    /// <summary>True for the overflow itself or a ChannelClosedException wrapping it.</summary>
    public static bool Is(Exception e) => e is FeedOverflowException || e.InnerException is FeedOverflowException;
}
