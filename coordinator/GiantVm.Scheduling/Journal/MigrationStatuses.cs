namespace GiantVm.Scheduling.Journal;

/// <summary>Values of <see cref="JournalRecord.Status"/> (the proto's MigrationStatus, lower case).</summary>
public static class MigrationStatuses
{
    /// <summary>Decided, command sent, no result yet.</summary>
    public const string Pending = "pending";

    /// <summary>CPUs and all pages on the target node.</summary>
    public const string Done = "done";

    /// <summary>CPUs moved, some pages stayed behind.</summary>
    public const string Partial = "partial";

    /// <summary>A safety check failed before acting.</summary>
    public const string Refused = "refused";

    /// <summary>The process exited before or during the move.</summary>
    public const string Vanished = "vanished";

    /// <summary>The executor tried and failed, or the command could not be delivered.</summary>
    public const string Failed = "failed";

    /// <summary>No result before the command's deadline.</summary>
    public const string Timeout = "timeout";

    /// <summary>Decided in dry-run: nothing was executed.</summary>
    public const string DryRun = "dry-run";

    public static IReadOnlyList<string> All { get; } =
        [Pending, Done, Partial, Refused, Vanished, Failed, Timeout, DryRun];

    /// <summary>True when the task probably moved (or may have): counts for cooldowns.</summary>
    public static bool MayHaveMoved(string status) =>
        status is Done or Partial or Pending or Timeout;
}
