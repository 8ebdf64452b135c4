using System.Text.Json.Serialization;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>What the host agent reports for one interval (JSON names are the camelCase of these).</summary>
/// <param name="LcBusyCores">LC CPU in cores; null when it could not be measured.</param>
/// <param name="LcSource">where LC load came from: lc-cgroup (v2), lc-cgroup-v1, host-busy-minus-qemu, host-busy (no QEMU found).</param>
/// <param name="VcpuStealRatio">summed run_delay growth of the vCPU threads that ran / (their count x elapsed); null when none ran.</param>
internal sealed record HostReport(
    int NodeId,
    double IntervalSeconds,
    int CpuCount,
    double BusyCores,
    double? LcBusyCores,
    string LcSource,
    double? VcpuStealRatio,
    ulong MemAvailableBytes,
    ulong MemTotalBytes,
    int? QemuPid,
    double? QemuCores,
    int VcpuThreads,
    int VcpuThreadsRunning,
    IReadOnlyList<int> DiscardedCpus)
{
    [JsonPropertyOrder(-1)] // first in `probe --json`
    public string Role => "host";

    /// <summary>
    /// CPU the LC work asked for, in cores: <see cref="LcBusyCores"/> plus the summed run_delay growth
    /// of the LC cgroup's threads per second (what it waited for); null without a cgroup2 LC cgroup, or
    /// when the threads could not be compared (see <see cref="GiantVm.Linux.Deltas.ThreadRunDelay"/>).
    /// </summary>
    public double? LcDemandCores { get; init; }

    /// <summary>The cgroup layout found under the sys root (or given), e.g. "unified (cgroup2: /sys/fs/cgroup, ...)".</summary>
    public string? CgroupLayout { get; init; }
}
