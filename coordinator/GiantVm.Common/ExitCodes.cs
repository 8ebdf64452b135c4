namespace GiantVm.Common;

/// <summary>
/// The exit codes of every binary (giantvm-agent, giantvm-coordinator, giantvmctl, giantvm-sim),
/// the same for every verb. Codes above <see cref="Unreachable"/> are added here, never in one
/// binary alone.
/// </summary>
public static class ExitCodes
{
    /// <summary>The verb did what was asked (a service: it stopped cleanly).</summary>
    public const int Ok = 0;

    /// <summary>The operation ran and failed, or an unexpected failure (a stack trace only with --verbose).</summary>
    public const int Failed = 1;

    /// <summary>Usage or input error: a bad flag or value, an unreadable or invalid file or configuration.</summary>
    public const int Usage = 2;

    /// <summary>No coordinator address answered.</summary>
    public const int Unreachable = 3;

    /// <summary>The coordinator refused the verb for this certificate's identity (PERMISSION_DENIED; giantvmctl).</summary>
    public const int Denied = 4;
}
