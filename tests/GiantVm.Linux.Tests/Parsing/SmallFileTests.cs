namespace GiantVm.Linux.Tests.Parsing;

/// <summary>Files of one or a few values: schedstat, loadavg, uptime, cpu.stat, cgroup.procs, single numbers.</summary>
public class SmallFileTests
{
    [Theory]
    [InlineData("50123679 9057768 103\n", 50123679UL, 9057768UL, 103UL)]
    [InlineData("0 0 0\n", 0UL, 0UL, 0UL)]
    [InlineData("5 6\n", 5UL, 6UL, 0UL)]
    [InlineData("5 6 7 8\n", 5UL, 6UL, 7UL)]
    public void SchedStat_Parse_Valid(string text, ulong run, ulong delay, ulong slices) =>
        Assert.Equal(new TaskSchedStat(run, delay, slices), TaskSchedStat.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("5\n")]
    [InlineData("5 x 1\n")]
    public void SchedStat_Parse_Malformed_Throws(string text) =>
        Assert.Throws<ProcParseException>(() => TaskSchedStat.Parse(text, "schedstat"));

    [Fact]
    public void LoadAvg_Parse_Valid() =>
        Assert.Equal(new LoadAvg(0.19, 0.49, 0.24, 1, 86, 4944), LoadAvg.Parse("0.19 0.49 0.24 1/86 4944\n"));

    [Theory]
    [InlineData("")]
    [InlineData("0.19 0.49")]
    [InlineData("0.19 0.49 0.24 186 4944")]
    [InlineData("0.19 x 0.24 1/86 4944")]
    [InlineData("0.19 0.49 0.24 1/86")]
    public void LoadAvg_Parse_Malformed_Throws(string text) =>
        Assert.Throws<ProcParseException>(() => LoadAvg.Parse(text));

    [Fact]
    public void Uptime_Parse_Valid() => Assert.Equal(new Uptime(1234.56, 2000.5), Uptime.Parse("1234.56 2000.50\n"));

    [Fact]
    public void CpuStat_Parse_ByKey_IncludingNewerKeys()
    {
        var s = CgroupCpuStat.Parse("usage_usec 133036332\nuser_usec 105422156\nsystem_usec 27614175\nnr_periods 0\nnr_bursts 0\nburst_usec 0\n");
        Assert.Equal(133036332UL, s.UsageUsec);
        Assert.Equal(0UL, s["burst_usec"]);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("usage_usec\n", 1)]
    [InlineData("usage_usec 1\nuser_usec -5\n", 2)]
    public void CpuStat_Parse_Malformed_ThrowsWithLine(string text, int line) =>
        Assert.Equal(line, Assert.Throws<ProcParseException>(() => CgroupCpuStat.Parse(text)).Line);

    [Fact]
    public void CpuStat_WithoutUsage_HasNullUsage() => Assert.Null(CgroupCpuStat.Parse("nr_periods 3\n").UsageUsec);

    [Theory]
    [InlineData("", new int[0])]
    [InlineData("12\n34\n", new[] { 12, 34 })]
    [InlineData("12 34\n\n56", new[] { 12, 34, 56 })]
    public void PidList_Parse_Valid(string text, int[] expected) => Assert.Equal(expected, PidList.Parse(text));

    [Theory]
    [InlineData("12\nabc\n", 2)]
    [InlineData("0\n", 1)]
    [InlineData("-4\n", 1)]
    public void PidList_Parse_Malformed_ThrowsWithLine(string text, int line) =>
        Assert.Equal(line, Assert.Throws<ProcParseException>(() => PidList.Parse(text, "be.pids")).Line);

    [Theory]
    [InlineData("0\n", 0L)]
    [InlineData("2", 2L)]
    public void SingleValue_Parse_Valid(string text, long expected) => Assert.Equal(expected, SingleValue.ParseInt64(text, "numa_balancing"));

    [Theory]
    [InlineData("")]
    [InlineData("on\n")]
    public void SingleValue_Parse_Malformed_Throws(string text) =>
        Assert.Throws<ProcParseException>(() => SingleValue.ParseInt64(text, "numa_balancing"));
}
