using GiantVm.Linux;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// A command that passed the safety checks, with what the task looked like just before acting.
/// <paramref name="PagesBefore"/> is null when numa_maps could not be read.
/// <paramref name="SourceNodes"/>: the commanded from-nodes plus every node holding its pages, minus the target.
/// </summary>
internal sealed record PreparedMove(
    MigrationRequest Request,
    PidStat Stat,
    PidStatus Status,
    NumaNode Target,
    IReadOnlyDictionary<int, ulong>? PagesBefore,
    IReadOnlyList<int> SourceNodes);
