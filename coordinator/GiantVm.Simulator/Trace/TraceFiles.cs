namespace GiantVm.Simulator.Trace;

/// <summary>
/// The part files of a trace folder laid out as published: <c>machine_events/</c>,
/// <c>task_events/</c>, <c>task_usage/</c>, each holding <c>part-NNNNN-of-NNNNN.csv.gz</c>
/// (plain <c>.csv</c> parts are read too), in name order (= time order).
/// </summary>
public sealed class TraceFiles
{
    private TraceFiles(string root) => Root = root;

    public string Root { get; }

    public static TraceFiles At(string root) => new(root);

    public static string FolderName(TraceTable table) => table switch
    {
        TraceTable.MachineEvents => "machine_events",
        TraceTable.TaskEvents => "task_events",
        TraceTable.TaskUsage => "task_usage",
        _ => throw new ArgumentOutOfRangeException(nameof(table)),
    };

    public string Folder(TraceTable table) => Path.Combine(Root, FolderName(table));

    /// <summary>The table's parts in name order; throws <see cref="TraceFormatException"/> when there are none.</summary>
    public IReadOnlyList<string> Parts(TraceTable table)
    {
        string folder = Folder(table);
        if (!Directory.Exists(folder))
        {
            throw new TraceFormatException($"{folder}: no such folder (expected the trace layout {FolderName(table)}/part-NNNNN-of-NNNNN.csv.gz)");
        }

        List<string> parts = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".csv.gz", StringComparison.Ordinal) || f.EndsWith(".csv", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (parts.Count == 0)
        {
            throw new TraceFormatException($"{folder}: no .csv.gz or .csv part files");
        }

        return parts;
    }
}
