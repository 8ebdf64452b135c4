namespace GiantVm.Coordinator.Rebalancing;

/// <summary>A validated host report for one node. Optional values are null when not measured.</summary>
public sealed record HostReportData(
    int NodeId,
    DateTimeOffset SampleTime,
    double? CapacityCores,
    double BusyCores,
    double? LcBusyCores,
    double? VcpuStealRatio)
{
    /// <summary>LC demand in cores (LC busy + its threads' run delay growth); null from agents that do not
    /// send <c>lc_demand_cores</c> (older agents, no cgroup2 LC cgroup): the decision core then uses LC busy.</summary>
    public double? LcDemandCores { get; init; }
}
