namespace GiantVm.Linux.Tests.Parsing;

public class MemInfoTests
{
    [Fact]
    public void Parse_ProcMeminfo_ConvertsKbToBytes_AndKeepsUnitlessCounts()
    {
        var m = MemInfo.Parse("MemTotal:       24683656 kB\nMemFree:        24459552 kB\nMemAvailable:   24392332 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n");
        Assert.Equal(24683656UL * 1024, m.MemTotalBytes);
        Assert.Equal(24392332UL * 1024, m.MemAvailableBytes);
        Assert.Equal(0UL, m["HugePages_Total"]);
        Assert.Null(m["Nope"]);
    }

    [Fact]
    public void Parse_NodeMeminfo_DropsTheNodePrefix()
    {
        var m = MemInfo.Parse("Node 3 MemTotal:        5728032 kB\nNode 3 MemFree:         5503980 kB\nNode 3 Active(anon):       1536 kB\nNode 3 HugePages_Free:      0\n", "node3/meminfo");
        Assert.Equal(5728032UL * 1024, m.MemTotalBytes);
        Assert.Equal(1536UL * 1024, m["Active(anon)"]);
        Assert.Equal(0UL, m["HugePages_Free"]);
    }

    [Fact]
    public void Parse_MissingMemAvailable_IsNull() => Assert.Null(MemInfo.Parse("MemTotal: 1 kB\n").MemAvailableBytes);

    [Theory]
    [InlineData("", 0)]
    [InlineData("MemTotal 5 kB\n", 1)]
    [InlineData("MemTotal: five kB\n", 1)]
    [InlineData("MemTotal: 5 kB\nMemFree:\n", 2)]
    [InlineData("MemTotal: 5 MB\n", 1)]
    public void Parse_Malformed_ThrowsWithLine(string text, int line) =>
        Assert.Equal(line, Assert.Throws<ProcParseException>(() => MemInfo.Parse(text)).Line);
}
