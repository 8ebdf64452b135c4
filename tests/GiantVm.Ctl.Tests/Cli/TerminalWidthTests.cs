using GiantVm.Ctl.Cli;

namespace GiantVm.Ctl.Tests.Cli;

public sealed class TerminalWidthTests
{
    [Theory]
    [InlineData(true, 132, null, 132)]      // a terminal: its real width
    [InlineData(true, 132, "80", 132)]      // ... even when COLUMNS says otherwise
    [InlineData(true, 0, "100", 100)]       // a terminal of unknown width: COLUMNS
    [InlineData(true, -1, null, null)]      // unknown and no COLUMNS: no limit
    [InlineData(false, 132, null, null)]    // piped: no limit
    [InlineData(false, 132, "120", 120)]    // piped with COLUMNS exported: that width
    [InlineData(false, 0, "wide", null)]    // COLUMNS not a number: ignored
    [InlineData(false, 0, "0", null)]
    [InlineData(true, 5, null, TerminalWidth.Minimum)] // too narrow to be meant
    public void Resolve_PrefersTheTerminal_ThenColumns_ElseNoLimit(bool isTerminal, int window, string? columns, int? expected)
    {
        Assert.Equal(expected, TerminalWidth.Resolve(isTerminal, () => window, columns));
    }

    [Fact]
    public void Resolve_AWindowWidthThatThrows_FallsBackToColumns()
    {
        Assert.Equal(90, TerminalWidth.Resolve(true, () => throw new IOException("not a tty"), "90"));
    }
}
