namespace GiantVm.Scheduling.Cluster;

/// <summary>What one host's CPU capacity gives to its LC work and to its GiantVM vCPU threads.</summary>
/// <param name="ServedLc">CPU given to LC work (same unit as the capacity).</param>
/// <param name="ServedGuest">CPU given to the guest's vCPU threads.</param>
public readonly record struct CpuShare(double ServedLc, double ServedGuest);
