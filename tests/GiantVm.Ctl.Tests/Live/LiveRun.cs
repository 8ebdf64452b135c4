using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Tests.Live;

/// <summary>Runs giantvmctl in-process with a given way to reach the coordinator.</summary>
internal static class LiveRun
{
    /// <summary>The width of the terminal the runs print to (an 80-column terminal).</summary>
    public const int TerminalWidth = 80;

    public static CtlRun With(CoordinatorConnector connector, params string[] args) => With(connector, TerminalWidth, args);

    /// <summary>Runs with tables fitting <paramref name="width"/> (null: output piped, nothing cut).</summary>
    public static CtlRun With(CoordinatorConnector connector, int? width, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CtlApp(output, error, TextReader.Null, connector, width).Run(args);
        return new CtlRun(code, output.ToString(), error.ToString());
    }
}
