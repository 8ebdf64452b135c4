namespace GiantVm.NodeAgent.Reporting;

/// <summary>
/// Whether the coordinator has gone quiet on a stream: the time of the first message the agent
/// sent since it last heard anything (ack, settings, command). Pure: times come from the caller.
/// Thread-safe (the write loop calls <see cref="Sent"/>, the read loop <see cref="Received"/>).
/// </summary>
internal sealed class ResponseWatch
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _waitingSince;

    /// <summary>The agent sent a message at <paramref name="now"/>; the first since the last answer starts the wait.</summary>
    public void Sent(DateTimeOffset now)
    {
        lock (_gate)
        {
            _waitingSince ??= now;
        }
    }

    /// <summary>A message arrived from the coordinator: nothing is awaited any more.</summary>
    public void Received()
    {
        lock (_gate)
        {
            _waitingSince = null;
        }
    }

    /// <summary>How long the agent has waited for an answer at <paramref name="now"/> (zero when it awaits none).</summary>
    public TimeSpan Waiting(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _waitingSince is { } since && now > since ? now - since : TimeSpan.Zero;
        }
    }

    /// <summary>True when something sent has gone unanswered for <paramref name="limit"/> or longer.</summary>
    public bool IsSilent(DateTimeOffset now, TimeSpan limit)
    {
        lock (_gate)
        {
            return _waitingSince is { } since && now - since >= limit;
        }
    }
}
