namespace GiantVm.Simulator.Emulation;

/// <summary>One node over the last step, in cores (the cluster model's figures).</summary>
/// <param name="LcLoad">LC load as a fraction of the host's CPUs.</param>
/// <param name="BeDemand">CPU demand of the BE tasks whose affinity is on the node.</param>
/// <param name="GuestDemand">G: guest demand (BE + guest system) capped at the vCPUs.</param>
/// <param name="StealRatio">(G - served) / vCPUs: what the guest sees as steal on the node.</param>
internal sealed record NodeFigures(
    double LcLoad,
    double LcDemand,
    double ServedLc,
    double BeDemand,
    double GuestDemand,
    double ServedGuest,
    double StealRatio)
{
    public static readonly NodeFigures Zero = new(0, 0, 0, 0, 0, 0, 0);
}
