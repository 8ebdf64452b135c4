using GiantVm.Contracts.V1;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Shared;

/// <summary>
/// The wire's <see cref="MigrationStatus"/> and <see cref="MigrationTrigger"/> to the journal's names
/// (<see cref="MigrationStatuses"/>, <see cref="MigrationTriggers"/>) and back: one table for the
/// coordinator and giantvmctl, so that what one writes the other reads.
/// </summary>
/// <remarks>
/// A source file compiled into both (linked from their csproj files), not a project of its own:
/// it needs the contracts and the journal's names, and neither of those two projects may depend
/// on the other (the contracts go to the node agent; the decision core stays free of the wire).
/// </remarks>
internal static class JournalProtoNames
{
    /// <summary>What a value outside the table (Unspecified, or one from a newer peer) is called.</summary>
    public const string Unknown = "unknown";

    public static string StatusName(MigrationStatus status) => status switch
    {
        MigrationStatus.Pending => MigrationStatuses.Pending,
        MigrationStatus.Done => MigrationStatuses.Done,
        MigrationStatus.Partial => MigrationStatuses.Partial,
        MigrationStatus.Refused => MigrationStatuses.Refused,
        MigrationStatus.Vanished => MigrationStatuses.Vanished,
        MigrationStatus.Failed => MigrationStatuses.Failed,
        MigrationStatus.Timeout => MigrationStatuses.Timeout,
        MigrationStatus.DryRun => MigrationStatuses.DryRun,
        _ => Unknown,
    };

    public static MigrationStatus StatusValue(string name) => name switch
    {
        MigrationStatuses.Pending => MigrationStatus.Pending,
        MigrationStatuses.Done => MigrationStatus.Done,
        MigrationStatuses.Partial => MigrationStatus.Partial,
        MigrationStatuses.Refused => MigrationStatus.Refused,
        MigrationStatuses.Vanished => MigrationStatus.Vanished,
        MigrationStatuses.Failed => MigrationStatus.Failed,
        MigrationStatuses.Timeout => MigrationStatus.Timeout,
        MigrationStatuses.DryRun => MigrationStatus.DryRun,
        _ => MigrationStatus.Unspecified,
    };

    public static string TriggerName(MigrationTrigger trigger) => trigger switch
    {
        MigrationTrigger.Auto => MigrationTriggers.Auto,
        MigrationTrigger.Manual => MigrationTriggers.Manual,
        MigrationTrigger.Move => MigrationTriggers.Move,
        MigrationTrigger.Evacuate => MigrationTriggers.Evacuate,
        _ => Unknown,
    };

    public static MigrationTrigger TriggerValue(string name) => name switch
    {
        MigrationTriggers.Auto => MigrationTrigger.Auto,
        MigrationTriggers.Manual => MigrationTrigger.Manual,
        MigrationTriggers.Move => MigrationTrigger.Move,
        MigrationTriggers.Evacuate => MigrationTrigger.Evacuate,
        _ => MigrationTrigger.Unspecified,
    };
}
