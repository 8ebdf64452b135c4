using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Replication;

/// <summary>One entry of the replicated log: a journal record or a state change, never both.</summary>
public sealed record ReplicatedEntry(JournalRecord? Record, StateRecord? State)
{
    public static ReplicatedEntry Of(JournalRecord record) => new(record, null);

    public static ReplicatedEntry Of(StateRecord state) => new(null, state);

    /// <summary>The record's id (unique in the log).</summary>
    public string Id => Record?.Id ?? State?.Id ?? throw new InvalidOperationException("empty replicated entry");

    /// <summary>Position in the log (0 for journal records written before replication).</summary>
    public long Seq => Record?.Seq ?? State?.Seq ?? 0;
}
