namespace GiantVm.Coordinator.Rebalancing;

/// <summary>A validated host report for one node. Optional values are null when not measured.</summary>
public sealed record HostReportData(
    int NodeId,
    DateTimeOffset SampleTime,
    double? CapacityCores,
    double BusyCores,
    double? LcBusyCores,
    double? VcpuStealRatio);
