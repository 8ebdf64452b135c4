namespace GiantVm.Linux.Deltas;

/// <summary>
/// Per-CPU deltas between two /proc/stat samples. <see cref="Valid"/> holds the clamped deltas
/// of CPUs present in both samples whose totals were possible; CPUs that went offline, came
/// online, or grew impossibly are listed apart and left out of every ratio.
/// </summary>
public sealed record CpuDeltaSet(
    double ElapsedSeconds,
    IReadOnlyDictionary<int, CpuTimes> Valid,
    IReadOnlyList<int> Discarded,
    IReadOnlyList<int> Appeared,
    IReadOnlyList<int> Disappeared);
