namespace GiantVm.Scheduling.Journal;

/// <summary>
/// A filter over journal records (what <c>giantvmctl migrations</c> and AdminService
/// ListMigrations/WatchMigrations accept). Null or empty parts match everything.
/// </summary>
/// <param name="Vm">GiantVM instance id.</param>
/// <param name="Since">Records at or after this time.</param>
/// <param name="Node">Records whose source or target is this node.</param>
/// <param name="Pid">Records about this process id.</param>
/// <param name="Statuses">Records with one of these statuses.</param>
/// <param name="Limit">At most this many records, the newest ones; 0 for no limit.</param>
public sealed record JournalQuery(
    string? Vm = null,
    DateTimeOffset? Since = null,
    int? Node = null,
    int? Pid = null,
    IReadOnlyCollection<string>? Statuses = null,
    int Limit = 0)
{
    public static JournalQuery All { get; } = new();

    public bool Matches(JournalRecord record) =>
        (string.IsNullOrEmpty(Vm) || record.Vm == Vm)
        && (Since is null || record.Time >= Since)
        && (Node is null || record.From == Node || record.To == Node)
        && (Pid is null || record.Pid == Pid)
        && (Statuses is null || Statuses.Count == 0 || Statuses.Contains(record.Status));

    /// <summary>The matching records in journal order, cut to the newest <see cref="Limit"/>.</summary>
    public IReadOnlyList<JournalRecord> Apply(IEnumerable<JournalRecord> records)
    {
        var matching = records.Where(Matches).ToList();
        return Limit > 0 && matching.Count > Limit ? matching[^Limit..] : matching;
    }
}
