namespace GiantVm.Ctl.Cli;

/// <summary>
/// An error a verb reports to the user: <see cref="Exception.Message"/> is the one line printed on
/// stderr (more lines in <see cref="Details"/>, e.g. every policy error), <see cref="ExitCode"/>
/// the process exit code. Verbs throw it; <see cref="CtlConsole"/> prints it.
/// </summary>
public sealed class CtlException : Exception
{
    private CtlException(int exitCode, string message, IReadOnlyList<string>? details, Exception? inner)
        : base(message, inner)
    {
        ExitCode = exitCode;
        Details = details ?? [];
    }

    public int ExitCode { get; }

    /// <summary>Further lines printed after the message (each a complete statement).</summary>
    public IReadOnlyList<string> Details { get; }

    /// <summary>Bad input: a file that cannot be read or does not validate (exit 2).</summary>
    public static CtlException Input(string message, IReadOnlyList<string>? details = null, Exception? inner = null) =>
        new(ExitCodes.Usage, message, details, inner);

    /// <summary>The coordinator is not reachable (exit 3).</summary>
    public static CtlException Unreachable(string message, Exception? inner = null) =>
        new(ExitCodes.Unreachable, message, null, inner);

    /// <summary>The coordinator refused this identity (exit 4).</summary>
    public static CtlException Denied(string message, Exception? inner = null) =>
        new(ExitCodes.Denied, message, null, inner);

    /// <summary>The operation ran and failed (exit 1).</summary>
    public static CtlException Failed(string message, IReadOnlyList<string>? details = null, Exception? inner = null) =>
        new(ExitCodes.Failed, message, details, inner);
}
