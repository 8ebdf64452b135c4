using GiantVm.Linux;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// One raw guest sample. <paramref name="TimeSeconds"/> is a monotonic clock reading;
/// <paramref name="UptimeTicks"/> (from /proc/uptime, when present) tells which tasks started
/// after a sample.
/// </summary>
internal sealed record GuestSample(
    double TimeSeconds,
    ProcStat Stat,
    NumaTopology Topology,
    IReadOnlyList<TaskSample> Tasks,
    int NumaBalancing,
    ulong? UptimeTicks);
