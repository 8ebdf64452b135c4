namespace GiantVm.Simulator.Emulation;

/// <summary>
/// Cumulative time of one CPU in seconds, split like a /proc/stat line. Rendered as
/// floor(seconds x USER_HZ) per field, so every field only grows.
/// </summary>
internal readonly record struct CpuCounters(double User, double System, double Idle, double Steal, double Guest)
{
    public CpuCounters Add(double user, double system, double idle, double steal, double guest) =>
        new(User + user, System + system, Idle + idle, Steal + steal, Guest + guest);
}
