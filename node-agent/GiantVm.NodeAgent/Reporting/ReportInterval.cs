namespace GiantVm.NodeAgent.Reporting;

/// <summary>The report interval in force: set from configuration, then by the coordinator (AgentSettings, HelloAck).</summary>
internal sealed class ReportInterval
{
    public static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Max = TimeSpan.FromHours(1);
    private long _ticks;

    public ReportInterval(TimeSpan initial)
    {
        _ticks = Clamp(initial).Ticks;
        AgentMetrics.IntervalSeconds.Set(Current.TotalSeconds);
    }

    public TimeSpan Current => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>Applies a coordinator's value in seconds; zero, negative or non-finite values are ignored. True when it changed.</summary>
    public bool TrySetSeconds(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds <= 0)
        {
            return false;
        }

        var next = Clamp(TimeSpan.FromSeconds(seconds)).Ticks;
        var changed = Interlocked.Exchange(ref _ticks, next) != next;
        AgentMetrics.IntervalSeconds.Set(Current.TotalSeconds);
        return changed;
    }

    private static TimeSpan Clamp(TimeSpan t) => t < Min ? Min : t > Max ? Max : t;
}
