using GiantVm.Linux;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>One raw host sample.</summary>
/// <param name="LcUsageNs">LC cgroup CPU usage in ns (v2 usage_usec x 1000 or v1 cpuacct.usage), null without an LC cgroup.</param>
internal sealed record HostSample(
    double TimeSeconds,
    ProcStat Stat,
    MemInfo Memory,
    ulong? LcUsageNs,
    string LcSource,
    QemuSample? Qemu)
{
    /// <summary>schedstat of every thread of the LC cgroup (v2) by tid; null without a cgroup2 LC cgroup.</summary>
    public IReadOnlyDictionary<int, TaskSchedStat>? LcThreads { get; init; }
}

/// <summary>The QEMU process: its CPU time and its vCPU threads' schedstat.</summary>
internal sealed record QemuSample(int Pid, ulong StartTime, ulong CpuTicks, IReadOnlyDictionary<int, VcpuThreadSample> Vcpus);

/// <summary>One vCPU thread.</summary>
internal sealed record VcpuThreadSample(int Tid, string Name, TaskSchedStat SchedStat);
