using GiantVm.Coordinator.Journal;

namespace GiantVm.Coordinator.Replication;

/// <summary>One member's own copy of the replicated log: journal records in the migration journal, state changes in <see cref="StateFile"/>.</summary>
public sealed class ReplicaStore(IMigrationJournal journal, StateFile state)
{
    /// <summary>Every entry kept, in sequence order (journal records written before replication first).</summary>
    public IReadOnlyList<ReplicatedEntry> ReadAll() =>
        journal.ReadAll().Select(ReplicatedEntry.Of)
            .Concat(state.ReadAll().Select(ReplicatedEntry.Of))
            .OrderBy(e => e.Seq)
            .ToList();

    /// <summary>Writes one entry durably (flushed to disk before it returns).</summary>
    public void Append(ReplicatedEntry entry)
    {
        if (entry.Record is { } record)
        {
            journal.Append(record);
        }
        else if (entry.State is { } change)
        {
            state.Append(change);
        }
    }
}
