namespace GiantVm.Linux.Tests.Parsing;

public class PidStatTests
{
    private const string Real = "4999 (cat) R 4991 4991 2889 0 -1 4194304 98 0 0 0 3 2 0 0 20 0 1 0 39526 3133440 358 18446744073709551615 94418965876736 94418965896617 140729031801392 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94418965912624 94418965914240 94419592007680 140729031809508 140729031809528 140729031809528 140729031811051 0\n";

    [Fact]
    public void Parse_RealLine_ReadsStartTimeAndLastCpu()
    {
        var s = PidStat.Parse(Real);
        Assert.Equal(4999, s.Pid);
        Assert.Equal("cat", s.Comm);
        Assert.Equal('R', s.State);
        Assert.Equal(4991, s.ParentPid);
        Assert.Equal(3UL, s.UserTicks);
        Assert.Equal(2UL, s.SystemTicks);
        Assert.Equal(39526UL, s.StartTime);
        Assert.Equal(358UL, s.RssPages);
        Assert.Equal(1, s.Processor);
        Assert.False(s.IsKernelThread);
    }

    [Theory]
    [InlineData("be (x) y")]
    [InlineData("a) (b")]
    [InlineData(") ")]
    [InlineData("((")]
    public void Parse_CommWithSpacesAndParentheses_SplitsAfterTheLastParenthesis(string comm)
    {
        var s = PidStat.Parse(Real.Replace("(cat)", $"({comm})"));
        Assert.Equal(comm, s.Comm);
        Assert.Equal(39526UL, s.StartTime);
        Assert.Equal(1, s.Processor);
    }

    [Fact]
    public void Parse_KernelThreadFlag_IsRecognised() =>
        Assert.True(PidStat.Parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 3 0 0 20 0 1 0 1 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 0 0 0 0 0 0\n").IsKernelThread);

    [Fact]
    public void Parse_WithoutProcessorField_ReportsMinusOne()
    {
        var fields = Real.Split(' ');
        var s = PidStat.Parse(string.Join(' ', fields[..30]));
        Assert.Equal(-1, s.Processor);
        Assert.Equal(39526UL, s.StartTime);
    }

    [Theory]
    [InlineData("", "no '(comm)'")]
    [InlineData("12 cat R 1", "no '(comm)'")]
    [InlineData("12 (cat) R 1 1 1 0 -1 0 0 0 0 0 3 2", "truncated")]
    [InlineData("x (cat) R 1 1 1 0 -1 0 0 0 0 0 3 2 0 0 20 0 1 0 39526 5 6", "pid")]
    [InlineData("12 (cat) R 1 1 1 0 -1 0 0 0 0 0 3 two 0 0 20 0 1 0 39526 5 6", "field 15")]
    [InlineData("12 (cat) Rx 1 1 1 0 -1 0 0 0 0 0 3 2 0 0 20 0 1 0 39526 5 6", "state")]
    public void Parse_Malformed_Throws(string text, string problem) =>
        Assert.Contains(problem, Assert.Throws<ProcParseException>(() => PidStat.Parse(text, "/proc/12/stat")).Message);
}
