namespace GiantVm.NodeAgent.Reporting;

/// <summary>
/// Reconnect delays: exponential from <see cref="Initial"/> doubling per failed attempt up to
/// <see cref="Max"/>, with full jitter in [delay/2, delay] so that agents do not reconnect in step.
/// </summary>
internal sealed record Backoff(TimeSpan Initial, TimeSpan Max)
{
    /// <param name="attempt">1 for the first retry after a failure.</param>
    /// <param name="unit">a random number in [0, 1).</param>
    public TimeSpan Delay(int attempt, double unit)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(Max.TotalMilliseconds, Initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * Math.Clamp(unit, 0, 1))));
    }
}
