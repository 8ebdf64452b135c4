namespace GiantVm.Scheduling.Journal;

/// <summary>One migration folded from its journal records.</summary>
/// <param name="Decision">Its decision record.</param>
/// <param name="Latest">Its newest record (the decision itself when no result came yet).</param>
public sealed record MigrationHistory(JournalRecord Decision, JournalRecord Latest)
{
    /// <summary>The migration's final status so far: the newest record's.</summary>
    public string Status => Latest.Status;

    /// <summary>
    /// Folds records in journal order into migrations, in order of their decisions. Results
    /// whose decision is not among the records (rotated away) are left out.
    /// </summary>
    public static IReadOnlyList<MigrationHistory> Fold(IEnumerable<JournalRecord> records)
    {
        var order = new List<string>();
        var byId = new Dictionary<string, MigrationHistory>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.Kind == JournalKinds.Decision)
            {
                if (byId.TryAdd(record.MigrationId, new MigrationHistory(record, record)))
                {
                    order.Add(record.MigrationId);
                }
            }
            else if (byId.TryGetValue(record.MigrationId, out var history))
            {
                byId[record.MigrationId] = history with { Latest = record };
            }
        }

        return order.Select(id => byId[id]).ToList();
    }
}
