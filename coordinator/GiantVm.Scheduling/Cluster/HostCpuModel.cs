namespace GiantVm.Scheduling.Cluster;

/// <summary>
/// The per-host CPU model shared by the simulator and the emulator: vCPU capacity
/// V = C x <see cref="VcpuRatio"/>, guest demand G = min(BE demand, V), then
/// <see cref="CpuSharing.Share"/> with weights wL = <see cref="LcWeight"/>, wV = <see cref="VmWeight"/>.
/// </summary>
public sealed record HostCpuModel(double VcpuRatio = 1.0, double VmWeight = 1.0, double LcWeight = 1.0)
{
    public static HostCpuModel Default { get; } = new();

    public HostStep Evaluate(double capacity, double lcDemand, double beDemand)
    {
        double v = capacity * VcpuRatio;
        double g = Math.Min(Math.Max(0, beDemand), Math.Max(0, v));
        double l = Math.Max(0, lcDemand);
        CpuShare share = CpuSharing.Share(capacity, l, g, LcWeight, VmWeight);
        return new HostStep(capacity, v, l, g, share.ServedLc, share.ServedGuest);
    }
}
