namespace GiantVm.Linux.Deltas;

/// <summary>
/// One node's CPU time split over an interval: steal ratio = d(steal)/d(total) and busy ratio =
/// d(busy)/d(total) summed over its valid CPUs; null when none of its CPUs has a valid delta.
/// </summary>
public sealed record NodeCpuRatio(int NodeId, double? StealRatio, double? BusyRatio, int CpusCounted, CpuTimes Delta);
