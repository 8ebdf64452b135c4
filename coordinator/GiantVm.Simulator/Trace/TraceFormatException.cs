namespace GiantVm.Simulator.Trace;

/// <summary>A trace file that cannot be read as the published format; the message names the file and line.</summary>
public sealed class TraceFormatException : Exception
{
    public TraceFormatException(string message)
        : base(message)
    {
    }

    public static TraceFormatException At(string file, long line, int column, string what) =>
        new($"{file}:{line}: column {column}: {what}");
}
