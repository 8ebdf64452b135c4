using GiantVm.Scheduling.Model;

namespace GiantVm.Coordinator.Rebalancing;

/// <summary>A validated guest report: per-node guest signals and the BE tasks.</summary>
public sealed record GuestReportData(DateTimeOffset SampleTime, IReadOnlyList<GuestNodeData> Nodes, IReadOnlyList<TaskSnapshot> Tasks);

/// <summary>One virtual NUMA node as the guest measured it.</summary>
public sealed record GuestNodeData(int Id, string Cpus, double StealRatio, double BusyRatio, long? MemTotalBytes, long? MemFreeBytes);
