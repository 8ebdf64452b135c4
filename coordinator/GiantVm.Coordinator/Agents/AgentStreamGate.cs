namespace GiantVm.Coordinator.Agents;

/// <summary>
/// Counts the agent streams open on this member against <c>--max-streams</c>: a stream enters
/// before its hello is read and leaves when it ends, so a flood of idle connections cannot grow
/// the member's memory without bound.
/// </summary>
public sealed class AgentStreamGate(int maxStreams)
{
    private int _open;

    public int MaxStreams { get; } = maxStreams;

    /// <summary>Streams open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a place; false (nothing taken) when <see cref="MaxStreams"/> are open already.</summary>
    public bool TryEnter()
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open >= MaxStreams)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a place taken by <see cref="TryEnter"/>.</summary>
    public void Leave() => Interlocked.Decrement(ref _open);
}
