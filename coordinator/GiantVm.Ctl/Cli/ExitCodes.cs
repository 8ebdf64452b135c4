namespace GiantVm.Ctl.Cli;

/// <summary>giantvmctl's exit codes, the same for every verb.</summary>
public static class ExitCodes
{
    /// <summary>The verb did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The operation ran and failed (e.g. a move the coordinator refused, an internal error).</summary>
    public const int Failed = 1;

    /// <summary>Usage or input error: bad flags (the parser's own errors), unreadable or invalid files.</summary>
    public const int Usage = 2;

    /// <summary>The coordinator could not be reached (live verbs).</summary>
    public const int Unreachable = 3;

    /// <summary>The coordinator refused the verb for this certificate's identity (PERMISSION_DENIED).</summary>
    public const int Denied = 4;
}
