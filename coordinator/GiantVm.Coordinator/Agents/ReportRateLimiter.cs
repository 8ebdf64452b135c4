namespace GiantVm.Coordinator.Agents;

/// <summary>
/// Token bucket for one stream's reports (<c>--max-report-rate</c>): refills
/// <see cref="RatePerSecond"/> tokens a second up to a burst of one second's worth (at least one);
/// a report that finds the bucket empty is dropped. Pure: the caller passes the time.
/// </summary>
public sealed class ReportRateLimiter
{
    private readonly double _burst;
    private double _tokens;
    private DateTimeOffset _last;

    public ReportRateLimiter(double ratePerSecond, DateTimeOffset now)
    {
        if (!(ratePerSecond > 0) || !double.IsFinite(ratePerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "the report rate must be a positive number");
        }

        RatePerSecond = ratePerSecond;
        _burst = Math.Max(1, ratePerSecond);
        _tokens = _burst;
        _last = now;
    }

    public double RatePerSecond { get; }

    /// <summary>Reports dropped so far.</summary>
    public long Dropped { get; private set; }

    /// <summary>True when a report arriving at <paramref name="now"/> may pass; false: drop it.</summary>
    public bool TryTake(DateTimeOffset now)
    {
        if (now > _last)
        {
            _tokens = Math.Min(_burst, _tokens + ((now - _last).TotalSeconds * RatePerSecond));
            _last = now;
        }

        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }

        Dropped++;
        return false;
    }
}
