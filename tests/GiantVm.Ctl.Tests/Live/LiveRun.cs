using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Tests.Live;

/// <summary>Runs giantvmctl in-process with a given way to reach the coordinator.</summary>
internal static class LiveRun
{
    public static CtlRun With(CoordinatorConnector connector, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CtlApp(output, error, TextReader.Null, connector).Run(args);
        return new CtlRun(code, output.ToString(), error.ToString());
    }
}
