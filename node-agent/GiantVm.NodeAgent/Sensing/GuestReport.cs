using System.Text.Json.Serialization;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>What the guest agent reports for one interval (JSON names are the camelCase of these).</summary>
internal sealed record GuestReport(
    double IntervalSeconds,
    IReadOnlyList<GuestNodeReport> Nodes,
    IReadOnlyList<BeTaskReport> Tasks,
    int NumaBalancing,
    IReadOnlyList<int> DiscardedCpus,
    IReadOnlyList<int> ChangedCpus)
{
    [JsonPropertyOrder(-1)] // first in `probe --json`
    public string Role => "guest";

    /// <summary>The cgroup layout found (set when BE tasks come from a cgroup), e.g. "hybrid (cgroup2: /sys/fs/cgroup/unified, ...)".</summary>
    public string? CgroupLayout { get; init; }
}

/// <summary>One virtual NUMA node: steal and busy ratio over its CPUs, memory from its meminfo.</summary>
internal sealed record GuestNodeReport(
    int Id,
    string Cpus,
    double? StealRatio,
    double? BusyRatio,
    ulong MemTotalBytes,
    ulong MemFreeBytes);

/// <summary>
/// One BE task. <paramref name="Node"/> is the node holding most of its memory (numa_maps, by
/// bytes) or, without numa_maps, the node of the CPU it last ran on; <paramref name="NodeSource"/>
/// says which.
/// </summary>
internal sealed record BeTaskReport(
    int Pid,
    ulong StartTime,
    string Comm,
    int? Node,
    string NodeSource,
    ulong RssBytes,
    double CpuCores,
    IReadOnlyDictionary<int, ulong>? PagesPerNode,
    IReadOnlyDictionary<int, ulong>? BytesPerNode,
    string CpusAllowed,
    int Threads,
    int LastCpu);
