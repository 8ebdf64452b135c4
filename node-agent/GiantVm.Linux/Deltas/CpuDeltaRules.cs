namespace GiantVm.Linux.Deltas;

/// <summary>
/// The rules for per-CPU deltas. A CPU's sample is impossible (and discarded) when its total
/// delta exceeds <c>elapsed x UserHz x (1 + Tolerance) + SlackTicks</c>: the slack absorbs
/// tick rounding and the moment between reading the clock and reading the file.
/// </summary>
public sealed record CpuDeltaRules(int UserHz = 100, double Tolerance = 0.10, ulong SlackTicks = 2)
{
    public static readonly CpuDeltaRules Default = new();

    public double MaxTotalTicks(double elapsedSeconds) => (elapsedSeconds * UserHz * (1 + Tolerance)) + SlackTicks;
}
