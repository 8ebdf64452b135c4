using GiantVm.Deploy.Tests.Infrastructure;

namespace GiantVm.Deploy.Tests;

public sealed class UnitFileTests
{
    [Fact]
    public void Parse_JoinsContinuedLines_AndSkipsComments()
    {
        var unit = UnitFile.Parse("""
            # comment
            [Service]
            ; another
            ExecStart=/bin/agent \
                run \
                --role host
            User=a
            """);
        Assert.Equal(["/bin/agent", "run", "--role", "host"], unit.ExecStart());
        Assert.Equal("a", unit.Get("Service", "User"));
        Assert.Null(unit.Get("Unit", "User"));
    }

    [Fact]
    public void Get_WhenAKeyRepeats_ReturnsTheLastValue()
    {
        var unit = UnitFile.Parse("[Service]\nRestart=no\nRestart=on-failure\n");
        Assert.Equal("on-failure", unit.Get("Service", "Restart"));
    }

    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("a \"b c\" d", new[] { "a", "b c", "d" })]
    [InlineData("--be-comm \"^(batch|spark)$$\"", new[] { "--be-comm", "^(batch|spark)$" })]
    [InlineData("\"say \\\"hi\\\"\" 100%%", new[] { "say \"hi\"", "100%" })]
    [InlineData("'single quoted' x", new[] { "single quoted", "x" })]
    [InlineData("\"\"", new[] { "" })]
    public void SplitCommandLine_UnquotesLikeSystemd(string line, string[] expected) =>
        Assert.Equal(expected, UnitFile.SplitCommandLine(line));

    [Fact]
    public void SplitCommandLine_WithAnOpenQuote_Throws() =>
        Assert.Throws<FormatException>(() => UnitFile.SplitCommandLine("a \"b"));

    [Fact]
    public void Parse_LineWithoutEquals_Throws() =>
        Assert.Throws<FormatException>(() => UnitFile.Parse("[Service]\nnot a setting\n"));
}
