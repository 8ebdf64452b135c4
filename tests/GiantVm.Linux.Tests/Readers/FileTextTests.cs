using GiantVm.Linux.Parsing;
using GiantVm.Linux.Tests.Fixtures;

namespace GiantVm.Linux.Tests.Readers;

public class FileTextTests
{
    [Fact]
    public void Read_FileLargerThanTheBuffer_IsReadToTheEnd()
    {
        using var tree = FakeTree.Create();
        var big = string.Concat(Enumerable.Range(0, 5000).Select(i => $"7f{i:x8} default anon=1 N{i % 4}=1 kernelpagesize_kB=4\n"));
        tree.Write("proc/9/numa_maps", big);
        Assert.Equal(big, FileText.Read(Path.Combine(tree.Proc, "9", "numa_maps")).ToString());
        Assert.Equal(5000UL, new ProcFs(tree.Proc).TryReadNumaMaps(9)!.PagesPerNode.Values.Aggregate(0UL, (a, b) => a + b));
    }

    [Fact]
    public void ReadSingleRecord_ReturnsTheWholeSmallFile()
    {
        using var tree = FakeTree.Create();
        tree.Write("x", "1 2 3\n");
        Assert.Equal("1 2 3\n", FileText.ReadSingleRecord(Path.Combine(tree.Root, "x")).ToString());
    }

    [Fact]
    public void Read_RawBytesOfAComm_SurviveAsLatin1()
    {
        using var tree = FakeTree.Create();
        File.WriteAllBytes(Path.Combine(tree.Root, "comm"), [0x61, 0xE9, 0xFF, 0x0A]);
        Assert.Equal("a\u00e9\u00ff\n", FileText.Read(Path.Combine(tree.Root, "comm")).ToString());
    }

    [Fact]
    public void Read_Missing_IsFileNotFound_WhichCountsAsVanished()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FileText.Read("/no/such/file"));
        Assert.True(FileText.IsVanished(e));
    }

    [Fact]
    public void Read_Directory_IsAnIOError_NotVanished()
    {
        using var tree = FakeTree.Create();
        var e = Assert.ThrowsAny<IOException>(() => FileText.Read(tree.Proc));
        Assert.False(FileText.IsVanished(e));
    }

    [Fact]
    public void ReadRealProcSelfStat_Works() =>
        Assert.Equal(Environment.ProcessId, PidStat.Parse(FileText.ReadSingleRecord("/proc/self/stat")).Pid);
}
