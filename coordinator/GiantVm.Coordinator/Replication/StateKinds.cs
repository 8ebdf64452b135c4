namespace GiantVm.Coordinator.Replication;

/// <summary>Values of <see cref="StateRecord.Kind"/>.</summary>
public static class StateKinds
{
    public const string Policy = "policy";
    public const string Drain = "drain";
    public const string Undrain = "undrain";
    public const string Pause = "pause";
    public const string Resume = "resume";
}
