namespace GiantVm.Linux.Tests.Parsing;

public class ProcStatTests
{
    private const string Valid = "cpu  10541 0 2679 64805 203 0 74 137 0 0\ncpu0 5045 0 1298 32775 29 0 22 68 0 0\ncpu1 5495 0 1380 32030 173 0 51 69 0 0\nintr 175013 0 0\nctxt 489584\nbtime 1764070000\n";

    [Fact]
    public void Parse_Valid_ReadsEveryColumnAndCpu()
    {
        var stat = ProcStat.Parse(Valid);
        Assert.Equal(new CpuTimes(10541, 0, 2679, 64805, 203, 0, 74, 137, 0, 0), stat.Aggregate);
        Assert.Equal([0, 1], stat.Cpus.Select(c => c.Cpu));
        Assert.Equal(69UL, stat.Cpus[1].Times.Steal);
        Assert.Equal(1764070000UL, stat.BootTimeSeconds);
    }

    [Fact]
    public void Parse_MissingTrailingColumns_CountAsZero()
    {
        var stat = ProcStat.Parse("cpu  1 2 3 4\ncpu0 1 2 3 4 5 6 7\n");
        Assert.Equal(new CpuTimes(1, 2, 3, 4, 5, 6, 7, 0, 0, 0), stat.Cpus[0].Times);
    }

    [Fact]
    public void Parse_ExtraColumns_AreIgnored()
    {
        var stat = ProcStat.Parse("cpu  1 2 3 4 5 6 7 8 9 10 11 12\ncpu0 1 2 3 4 5 6 7 8 9 10 99\n");
        Assert.Equal(new CpuTimes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), stat.Cpus[0].Times);
    }

    [Fact]
    public void Parse_CpuIdsWithGaps_AreKeptSorted()
    {
        var stat = ProcStat.Parse("cpu  0 0 0 0\ncpu4 1 0 0 0\ncpu0 1 0 0 0\ncpu2 1 0 0 0\n");
        Assert.Equal([0, 2, 4], stat.Cpus.Select(c => c.Cpu));
    }

    [Fact]
    public void Total_LeavesGuestOut_BecauseUserAlreadyHoldsIt()
    {
        var t = new CpuTimes(100, 10, 20, 300, 5, 1, 2, 7, 60, 4);
        Assert.Equal(445UL, t.Total);
        Assert.Equal(133UL, t.Busy);
    }

    [Theory]
    [InlineData("", 0, "no cpu lines")]
    [InlineData("intr 1 2\nctxt 5\n", 0, "no cpu lines")]
    [InlineData("cpu  1 2 3\n", 1, "at least 4")]
    [InlineData("cpu  1 2 3 4\ncpu0 1 x 3 4\n", 2, "column 2")]
    [InlineData("cpu  1 2 3 4\ncpuX 1 2 3 4\n", 2, "cpu number")]
    [InlineData("cpu  1 2 3 4\ncpu0 1 2 3 -4\n", 2, "column 4")]
    [InlineData("cpu  1 2 3 4\ncpu0 1 2 3 4\ncpu0 1 2 3 4\n", 0, "twice")]
    public void Parse_Malformed_ThrowsWithLine(string text, int line, string problem)
    {
        var e = Assert.Throws<ProcParseException>(() => ProcStat.Parse(text, "/x/proc/stat"));
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Message);
        Assert.Equal("/x/proc/stat", e.Path);
    }
}
