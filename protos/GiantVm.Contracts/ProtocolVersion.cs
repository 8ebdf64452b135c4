namespace GiantVm.Contracts;

/// <summary>Version of the giantvm.v1 agent protocol, sent in Hello.</summary>
public static class ProtocolVersion
{
    /// <summary>The version this build speaks.</summary>
    public const uint Current = 1;

    /// <summary>Oldest version a coordinator of this build accepts.</summary>
    public const uint MinSupported = 1;

    /// <summary>Newest version a coordinator of this build accepts.</summary>
    public const uint MaxSupported = 1;

    /// <summary>The default GiantVM instance id.</summary>
    public const string DefaultVm = "giantvm";

    public static bool IsSupported(uint version) => version >= MinSupported && version <= MaxSupported;

    public static string Describe() => MinSupported == MaxSupported
        ? $"{MinSupported}"
        : $"{MinSupported}-{MaxSupported}";
}
