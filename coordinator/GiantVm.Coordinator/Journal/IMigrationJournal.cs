using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Journal;

/// <summary>The migration journal's storage: append (durably) and read back.</summary>
public interface IMigrationJournal
{
    /// <summary>Appends one record; returns only after it is flushed to disk.</summary>
    void Append(JournalRecord record);

    /// <summary>Every record still kept, oldest first.</summary>
    IReadOnlyList<JournalRecord> ReadAll();
}
