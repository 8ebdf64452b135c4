namespace GiantVm.Coordinator.Replication;

/// <summary>Values of <see cref="StateRecord.Kind"/>.</summary>
public static class StateKinds
{
    public const string Policy = "policy";
    public const string Drain = "drain";
    public const string Undrain = "undrain";
    public const string Pause = "pause";
    public const string Resume = "resume";

    /// <summary>
    /// Cancels the change named by <see cref="StateRecord.Aborts"/>: written (to the rebalancer's
    /// own replica, no majority needed) when no majority acknowledged that change, so a copy of it
    /// that spreads from that replica never takes effect.
    /// </summary>
    public const string Abort = "abort";
}
