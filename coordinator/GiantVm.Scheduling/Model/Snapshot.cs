namespace GiantVm.Scheduling.Model;

/// <summary>
/// What the decision core sees of one GiantVM instance at one moment: per virtual NUMA node
/// signals and the BE tasks. The coordinator builds it from agent reports, the simulator from
/// its cluster model, <c>giantvmctl plan</c> from a JSON file. Omitted optional values never
/// block a move (fresh, not drained, unlimited memory, any size passes).
/// </summary>
/// <param name="Time">The snapshot's clock; durations in the policy are measured on it. Null: unknown
/// (plan then advances by the policy interval).</param>
public sealed record Snapshot(
    DateTimeOffset? Time,
    IReadOnlyList<NodeSnapshot> Nodes,
    IReadOnlyList<TaskSnapshot> Tasks)
{
    public static Snapshot Empty { get; } = new(null, [], []);
}

/// <summary>One virtual NUMA node (= one physical host of the GiantVM instance).</summary>
/// <param name="Id">Virtual NUMA node id.</param>
/// <param name="StealRatio">Guest steal ratio: d(steal)/d(total) over the node's CPUs, 0..1.</param>
public sealed record NodeSnapshot(int Id, double StealRatio)
{
    /// <summary>Host-side vCPU run_delay growth / time (what the guest will see as steal).</summary>
    public double? HostStealRatio { get; init; }

    /// <summary>Cores busy with LC work on the host; null without a host agent.</summary>
    public double? HostLcBusyCores { get; init; }

    /// <summary>
    /// CPU the host's LC work asked for, in cores: what it got plus what it waited for (its threads'
    /// run delay growth per second); null when the host agent does not report it (older agents, no LC
    /// cgroup). Under contention LC busy cores read about what CFS left it, this reads what it wanted.
    /// </summary>
    public double? HostLcDemandCores { get; init; }

    /// <summary>The host's CPU capacity in cores.</summary>
    public double? HostCapacityCores { get; init; }

    /// <summary>The node's guest CPUs, Linux list format.</summary>
    public string? Cpus { get; init; }

    public long? MemTotalBytes { get; init; }

    public long? MemFreeBytes { get; init; }

    /// <summary>Age of the newest guest report for this node, in seconds.</summary>
    public double? AgeSeconds { get; init; }

    public bool Drained { get; init; }
}

/// <summary>One best-effort task in the guest.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="Node">The node holding most of its pages.</param>
public sealed record TaskSnapshot(int Pid, int Node)
{
    /// <summary>/proc/&lt;pid&gt;/stat field 22; with the pid it identifies one process.</summary>
    public ulong? StartTime { get; init; }

    public string? Comm { get; init; }

    public long? RssBytes { get; init; }

    /// <summary>CPU used, in cores (its demand, for the predicted signal).</summary>
    public double? CpuCores { get; init; }
}
