namespace GiantVm.Ctl.Cli;

/// <summary>
/// Where a verb writes (stdout for results, stderr for errors) and how failures become exit
/// codes: one clear line on stderr, a stack trace only with <c>--verbose</c>.
/// </summary>
public sealed class CtlConsole(TextWriter output, TextWriter error, TextReader? input = null)
{
    public const string Program = "giantvmctl";

    /// <summary>Standard input (files given as <c>-</c>); empty when not supplied.</summary>
    public TextReader In { get; } = input ?? TextReader.Null;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Runs a verb body and maps its outcome to an exit code.</summary>
    public int Run(bool verbose, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
        catch (CtlException e)
        {
            Error.WriteLine($"{Program}: {e.Message}");
            foreach (var line in e.Details)
            {
                Error.WriteLine(line);
            }

            if (verbose && e.InnerException is not null)
            {
                Error.WriteLine(e.InnerException);
            }

            return e.ExitCode;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Error.WriteLine($"{Program}: internal error: {e.GetType().Name}: {FirstLine(e.Message)}" +
                            (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose)
            {
                Error.WriteLine(e);
            }

            return ExitCodes.Failed;
        }
    }

    /// <summary>A usage error from the parser: one line and a pointer to --help (exit 2).</summary>
    public int UsageError(string message, string commandPath)
    {
        var oneLine = string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Error.WriteLine($"{Program}: {oneLine} (see '{commandPath} --help')");
        return ExitCodes.Usage;
    }

    private static string FirstLine(string text)
    {
        var cut = text.IndexOf('\n');
        return (cut < 0 ? text : text[..cut]).TrimEnd('\r', ' ');
    }
}
