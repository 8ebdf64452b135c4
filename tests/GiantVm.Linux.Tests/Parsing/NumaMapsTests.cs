namespace GiantVm.Linux.Tests.Parsing;

public class NumaMapsTests
{
    [Fact]
    public void Parse_SumsPagesPerNode_AndBytesWithEachLinesPageSize()
    {
        var m = NumaMaps.Parse(
            "55f97582c000 default file=/usr/bin/head mapped=2 N0=2 kernelpagesize_kB=4\n" +
            "55f97582e000 default heap anon=30 dirty=30 N0=10 N1=20 kernelpagesize_kB=4\n" +
            "7f0000000000 default file=/anon_hugepage\\040(deleted) huge anon=2 dirty=2 N1=2 kernelpagesize_kB=2048\n" +
            "7ffd1a2b3000 default stack anon=3 dirty=3 active=0 N2=3\n" +
            "7ffd1a400000 default\n" +
            "7ffd1a500000 bind:1 file=/lib/x.so\n");
        Assert.Equal(new Dictionary<int, ulong> { [0] = 12, [1] = 22, [2] = 3 }, m.PagesPerNode);
        Assert.Equal(12UL * 4096, m.BytesPerNode[0]);
        Assert.Equal((20UL * 4096) + (2UL * 2048 * 1024), m.BytesPerNode[1]);
        Assert.Equal(3UL * 4096, m.BytesPerNode[2]); // no kernelpagesize_kB: 4 kB pages
        Assert.Equal(1, m.DominantNode);
    }

    [Fact]
    public void Parse_Empty_HasNoDominantNode()
    {
        var m = NumaMaps.Parse("");
        Assert.Empty(m.PagesPerNode);
        Assert.Null(m.DominantNode);
    }

    [Fact]
    public void DominantNode_OnATie_IsTheLowestId() =>
        Assert.Equal(2, NumaMaps.Parse("1000 default N3=5 N2=5 kernelpagesize_kB=4\n").DominantNode);

    [Theory]
    [InlineData("zzzz default N0=1\n", 1, "hexadecimal")]
    [InlineData("1000\n", 1, "policy")]
    [InlineData("1000 default N0=1\n2000 default N0=x\n", 2, "pages on N0")]
    [InlineData("1000 default Nx=1\n", 0, "")]
    [InlineData("1000 default N0=1 kernelpagesize_kB=big\n", 1, "kernelpagesize_kB")]
    public void Parse_Malformed_ThrowsWithLine(string text, int line, string problem)
    {
        if (line == 0)
        {
            // "Nx=1" is not a node token (N followed by a digit): ignored like any unknown key
            Assert.Empty(NumaMaps.Parse(text).PagesPerNode);
            return;
        }

        var e = Assert.Throws<ProcParseException>(() => NumaMaps.Parse(text, "/proc/9/numa_maps"));
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Message);
    }
}
