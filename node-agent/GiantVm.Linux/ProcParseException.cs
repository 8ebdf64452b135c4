namespace GiantVm.Linux;

/// <summary>
/// The one error a reader throws when a /proc, /sys or cgroup file does not have the expected
/// shape. It names the file and the 1-based line (0 when the problem is the file as a whole).
/// </summary>
public sealed class ProcParseException : Exception
{
    public ProcParseException(string path, int line, string problem)
        : base(line > 0 ? $"{path}:{line}: {problem}" : $"{path}: {problem}")
    {
        Path = path;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file that failed to parse (as given to Parse, usually the full path).</summary>
    public string Path { get; }

    /// <summary>1-based line number, 0 for a file-level problem (empty, missing key).</summary>
    public int Line { get; }

    /// <summary>What was wrong, without the location.</summary>
    public string Problem { get; }
}
