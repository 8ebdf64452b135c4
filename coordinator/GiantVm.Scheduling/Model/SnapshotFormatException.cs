namespace GiantVm.Scheduling.Model;

/// <summary>A snapshot document that cannot be read; the message names the source, line and field.</summary>
public sealed class SnapshotFormatException : FormatException
{
    public SnapshotFormatException(string source, int line, string? field, string problem, Exception? inner = null)
        : base(Describe(source, line, field, problem), inner)
    {
        Source = source;
        Line = line;
        Field = field;
        Problem = problem;
    }

    public new string Source { get; }

    /// <summary>1-based line of the problem (for JSON Lines: the snapshot's line).</summary>
    public int Line { get; }

    /// <summary>JSON path of the field (<c>nodes[1].stealRatio</c>), when known.</summary>
    public string? Field { get; }

    public string Problem { get; }

    private static string Describe(string source, int line, string? field, string problem) =>
        $"{source}:{line}: {(string.IsNullOrEmpty(field) ? "" : field + ": ")}{problem}";
}
