namespace GiantVm.Coordinator.Agents;

/// <summary>
/// Ends every agent stream this member holds at once, with UNAVAILABLE and a reason, when the
/// member leaves the cluster (downed, removed) or the process is asked to stop (SIGTERM): the
/// agents fail over to another member immediately instead of waiting for a keepalive, and the host
/// does not wait for open streams before it exits. Set by <see cref="Hosting.MemberExit"/>, read by
/// <see cref="AgentStreams"/>; the first reason wins.
/// </summary>
public sealed class AgentStreamsEnd : IDisposable
{
    /// <summary>The reason when the member left the cluster on its own.</summary>
    public const string LeftCluster = "this coordinator member left the cluster; reconnect to another member";

    /// <summary>The reason when the process was asked to stop.</summary>
    public const string ShuttingDown = "this coordinator member is shutting down; reconnect to another member";

    private readonly CancellationTokenSource _end = new();
    private string? _reason;

    /// <summary>Cancelled once <see cref="End"/> was called.</summary>
    public CancellationToken Token => _end.Token;

    /// <summary>Why the streams end; null while they may go on.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>Ends every stream (and refuses new ones) with <paramref name="reason"/>; later calls change nothing.</summary>
    public void End(string reason)
    {
        if (Interlocked.CompareExchange(ref _reason, reason, null) is not null)
        {
            return;
        }

        try
        {
            _end.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the host is disposed: no stream left to end
        }
    }

    public void Dispose() => _end.Dispose();
}
