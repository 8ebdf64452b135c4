namespace GiantVm.Scheduling.Journal;

/// <summary>Values of <see cref="JournalRecord.Kind"/>.</summary>
public static class JournalKinds
{
    public const string Decision = "decision";
    public const string Result = "result";
}
