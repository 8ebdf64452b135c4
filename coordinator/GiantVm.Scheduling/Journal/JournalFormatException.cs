namespace GiantVm.Scheduling.Journal;

/// <summary>A journal line that is not a valid record; the message names the source and line.</summary>
public sealed class JournalFormatException(string source, int line, string message)
    : FormatException($"{source}:{line}: {message}")
{
    public string FileName { get; } = source;

    public int Line { get; } = line;
}
