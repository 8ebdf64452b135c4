using GiantVm.Ctl.Cli;

namespace GiantVm.Ctl.Tests;

public class CtlConsoleTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1)]
    public void Run_CtlException_PrintsOneLineAndReturnsItsExitCode(int code)
    {
        var error = new StringWriter();
        var console = new CtlConsole(new StringWriter(), error);
        var exception = code switch
        {
            2 => CtlException.Input("bad input"),
            3 => CtlException.Unreachable("coordinator 127.0.0.1:1 unreachable"),
            _ => CtlException.Failed("move refused"),
        };

        var exit = console.Run(verbose: false, () => throw exception);

        Assert.Equal(code, exit);
        Assert.Equal($"giantvmctl: {exception.Message}\n", error.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_UnexpectedException_StackTraceOnlyWhenVerbose(bool verbose)
    {
        var error = new StringWriter();
        var console = new CtlConsole(new StringWriter(), error);

        var exit = console.Run(verbose, () => throw new InvalidOperationException("boom"));

        Assert.Equal(1, exit);
        Assert.StartsWith("giantvmctl: internal error: InvalidOperationException: boom", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(verbose, error.ToString().Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public void TableWriter_AlignsColumnsAndLeavesTheLastUnpadded()
    {
        var w = new StringWriter();

        new TableWriter("A", "LONGER", "C").Row(1, "x", "end").Row(12345, "yy", "").WriteTo(w);

        Assert.Equal("A      LONGER  C\n1      x       end\n12345  yy\n", w.ToString());
    }
}
