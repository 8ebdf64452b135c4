namespace GiantVm.NodeAgent.Reporting;

/// <summary>
/// How the agent notices a coordinator member that is frozen or cut off while its stream looks
/// open: HTTP/2 keepalive pings on the connection (<see cref="PingDelay"/>, then
/// <see cref="PingTimeout"/> for the answer), and a stream that says nothing for
/// <see cref="SilentIntervals"/> report intervals after the agent sent a message (the coordinator
/// acknowledges every report) is given up for the next coordinator.
/// </summary>
internal sealed record StreamHealth(TimeSpan PingDelay, TimeSpan PingTimeout, int SilentIntervals)
{
    /// <summary>5 s + 5 s of pings: a frozen member is noticed within about 10 s; 5 report intervals of silence.</summary>
    public static StreamHealth Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 5);

    /// <summary>How long the stream may stay silent after a message was sent, at this report interval.</summary>
    public TimeSpan SilenceLimit(TimeSpan reportInterval) => reportInterval * SilentIntervals;
}
