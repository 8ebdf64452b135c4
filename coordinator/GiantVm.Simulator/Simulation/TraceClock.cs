namespace GiantVm.Simulator.Simulation;

/// <summary>Steps of 300 s aligned to the trace start (600 s); trace times are microseconds.</summary>
public static class TraceClock
{
    public const long StepSeconds = 300;
    public const long StepMicros = StepSeconds * 1_000_000;
    public const long OriginMicros = 600_000_000;

    /// <summary>The step containing <paramref name="micros"/> (floor; negative before the trace start).</summary>
    public static long StepOf(long micros)
    {
        long offset = micros - OriginMicros;
        long q = offset / StepMicros;
        return offset % StepMicros < 0 ? q - 1 : q;
    }

    public static long StepStartMicros(long step) => OriginMicros + (step * StepMicros);

    public static long StepStartSeconds(long step) => StepStartMicros(step) / 1_000_000;

    /// <summary>The simulated wall clock at the end of a step (policy durations run on it).</summary>
    public static DateTimeOffset StepEndTime(long step) => DateTimeOffset.UnixEpoch.AddSeconds(StepStartSeconds(step + 1));
}
