namespace GiantVm.Scheduling.Model;

/// <summary>
/// One migration the decision core chose: move <see cref="Pid"/> from <see cref="From"/> (the
/// node holding most of its pages) to <see cref="To"/>. <see cref="Reason"/> carries the figures
/// behind it (source and target smoothed steal, margin, memory fit).
/// </summary>
public sealed record Decision(
    int Pid,
    ulong? StartTime,
    string? Comm,
    int From,
    int To,
    bool DryRun,
    string Reason)
{
    public long? RssBytes { get; init; }

    public double? CpuCores { get; init; }
}
