namespace GiantVm.Scheduling.Cluster;

/// <summary>
/// One host over one step of the cluster model: demands, what was served, and the figures
/// derived from them (steal ratio of its virtual NUMA node, utilization, LC shortfall).
/// </summary>
/// <param name="Capacity">C, the host's CPU capacity.</param>
/// <param name="VcpuCapacity">V = C x vCPU ratio: the node's vCPU capacity.</param>
/// <param name="LcDemand">L.</param>
/// <param name="GuestDemand">G = min(BE demand on the node, V).</param>
/// <param name="ServedLc">servedL.</param>
/// <param name="ServedGuest">servedG.</param>
public readonly record struct HostStep(
    double Capacity,
    double VcpuCapacity,
    double LcDemand,
    double GuestDemand,
    double ServedLc,
    double ServedGuest)
{
    /// <summary>(G - servedG) / V: the fraction of the node's vCPU time stolen; 0 when V is 0.</summary>
    public double StealRatio => VcpuCapacity > 0 ? (GuestDemand - ServedGuest) / VcpuCapacity : 0;

    /// <summary>u = (servedL + servedG) / C; 0 when C is 0.</summary>
    public double Utilization => Capacity > 0 ? (ServedLc + ServedGuest) / Capacity : 0;

    /// <summary>An LC QoS violation: servedL &lt; L.</summary>
    public bool LcViolated => ServedLc < LcDemand;

    /// <summary>L - servedL (CPU, per second of the step).</summary>
    public double LcShortfall => LcDemand - ServedLc;
}
