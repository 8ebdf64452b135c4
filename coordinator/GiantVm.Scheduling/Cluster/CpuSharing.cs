namespace GiantVm.Scheduling.Cluster;

/// <summary>
/// CFS-weighted sharing of one host's CPU between LC work and the GiantVM vCPU threads
/// (water-filling, each side capped at its demand):
/// if L + G &lt;= C both are fully served; otherwise the fair shares are sL = C*wL/(wL+wV) and
/// sV = C - sL; a side that needs less than its share gets its demand and the other side gets
/// the rest of C (capped at its demand); if both need more, each gets its share.
/// </summary>
public static class CpuSharing
{
    /// <param name="capacity">C, the host's CPU capacity.</param>
    /// <param name="lcDemand">L, LC CPU demand on the host.</param>
    /// <param name="guestDemand">G, the guest demand already capped at the vCPU capacity.</param>
    /// <param name="lcWeight">wL (CFS weight of the LC side).</param>
    /// <param name="vmWeight">wV (CFS weight of the vCPU threads).</param>
    public static CpuShare Share(double capacity, double lcDemand, double guestDemand, double lcWeight, double vmWeight)
    {
        if (capacity <= 0)
        {
            return new CpuShare(0, 0);
        }

        double l = Math.Max(0, lcDemand);
        double g = Math.Max(0, guestDemand);
        if (l + g <= capacity)
        {
            return new CpuShare(l, g);
        }

        double shareLc = capacity * lcWeight / (lcWeight + vmWeight);
        double shareVm = capacity - shareLc;
        if (l <= shareLc)
        {
            return new CpuShare(l, Math.Min(g, capacity - l));
        }

        if (g <= shareVm)
        {
            return new CpuShare(Math.Min(l, capacity - g), g);
        }

        return new CpuShare(shareLc, shareVm);
    }
}
