namespace GiantVm.Linux.Tests.Parsing;

public class PidStatusTests
{
    [Fact]
    public void Parse_Valid_ReadsAffinityRssAndThreads()
    {
        var s = PidStatus.Parse("Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nVmRSS:\t    1696 kB\nThreads:\t3\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed:\t00000000,00000001\nMems_allowed_list:\t0\n");
        Assert.Equal(new PidStatus("sleep", "0-1", "0", 1696UL * 1024, 3), s);
    }

    [Fact]
    public void Parse_KernelThreadWithoutVmRss_HasNullRss() =>
        Assert.Null(PidStatus.Parse("Name:\tkthreadd\nThreads:\t1\nCpus_allowed_list:\t0-1\n").VmRssBytes);

    [Fact]
    public void Parse_ExtraUnknownKeys_AreIgnored() =>
        Assert.Equal(2, PidStatus.Parse("Name:\tx\nFutureKey:\tsomething new\nThreads:\t2\n").Threads);

    [Theory]
    [InlineData("", 0)]
    [InlineData("Threads:\t1\n", 0)]
    [InlineData("Name:\tx\nThreads:\tmany\n", 2)]
    [InlineData("Name:\tx\nVmRSS:\t12 MB\n", 2)]
    [InlineData("Name:\tx\ngarbage\n", 2)]
    public void Parse_Malformed_ThrowsWithLine(string text, int line) =>
        Assert.Equal(line, Assert.Throws<ProcParseException>(() => PidStatus.Parse(text)).Line);
}
