namespace GiantVm.Scheduling.Journal;

/// <summary>Values of <see cref="JournalRecord.Trigger"/>: what started a migration.</summary>
public static class MigrationTriggers
{
    public const string Auto = "auto";
    public const string Manual = "manual";
    public const string Move = "move";
    public const string Evacuate = "evacuate";

    public static IReadOnlyList<string> All { get; } = [Auto, Manual, Move, Evacuate];
}
