using System.Diagnostics;
using GiantVm.Linux.Tests.Fixtures;

namespace GiantVm.Linux.Tests.Readers;

public class PidFileCacheTests
{
    private static FakeProcess Process(int pid, string comm, ulong userTicks) =>
        new(pid, comm, userTicks, 10, 5000, 1, 40, "0-3", "0");

    private static Process StartSleep()
    {
        var start = new ProcessStartInfo("sleep") { UseShellExecute = false };
        start.ArgumentList.Add("300");
        return System.Diagnostics.Process.Start(start)!;
    }

    /// <summary>
    /// A child that has just exec'd may still be on its first time slice: the kernel adds
    /// runtime to schedstat only when the task is descheduled or at a tick, so until then the
    /// field reads 0 and then grows. Once the child sleeps in nanosleep its runtime is
    /// accounted and stays put.
    /// </summary>
    private static void WaitUntilAsleep(int pid)
    {
        var proc = new ProcFs();
        var deadline = Stopwatch.StartNew();
        while (proc.TryReadPidStat(pid) is not { State: 'S' })
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"sleep (pid {pid}) never went to sleep");
            Thread.Sleep(5);
        }
    }

    [Fact]
    public void OnAFakeTree_ReadsThePathEveryTime_AndKeepsNothingOpen()
    {
        using var tree = FakeTree.Create();
        tree.WriteProcess(Process(300, "batch job", 100));
        using var files = new PidFileCache(new ProcFs(tree.Proc));
        Assert.False(files.KeepOpen);
        Assert.Equal(100UL, files.TryReadStat(300)!.UserTicks);
        Assert.True(files.TryReadComm(300, out var comm));
        Assert.Equal("batch job", comm.ToString());

        tree.WriteProcess(Process(300, "batch job", 250));
        Assert.Equal(250UL, files.TryReadStat(300)!.UserTicks);
        Assert.Equal(0, files.OpenCount);
    }

    [Fact]
    public void VanishedPid_ReadsAsNull()
    {
        using var tree = FakeTree.Create();
        using var files = new PidFileCache(new ProcFs(tree.Proc));
        Assert.Null(files.TryReadStat(300));
        Assert.False(files.TryReadComm(300, out _));
    }

    [Fact]
    public void UnparsableStat_NamesThePath()
    {
        using var tree = FakeTree.Create();
        tree.Write("proc/300/stat", "no comm here\n");
        using var files = new PidFileCache(new ProcFs(tree.Proc));
        var e = Assert.Throws<ProcParseException>(() => files.TryReadStat(300));
        Assert.Contains(Path.Combine(tree.Proc, "300", "stat"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnTheRealProc_KeepsFilesOpen_AndReadsFreshValuesThroughThem()
    {
        using var files = new PidFileCache(new ProcFs());
        Assert.True(files.KeepOpen);
        var self = Environment.ProcessId;
        var first = files.TryReadStat(self)!;
        Assert.True(files.IsOpen(self, PidFile.Stat));

        var spinUntil = Stopwatch.StartNew();
        while (files.TryReadStat(self)!.CpuTicks == first.CpuTicks)
        {
            Assert.True(spinUntil.Elapsed < TimeSpan.FromSeconds(10), "CPU time read through the open stat never advanced");
        }

        Assert.True(files.TryReadComm(self, out var comm));
        Assert.Equal(first.Comm, comm.ToString());
    }

    [Fact]
    public void OnTheRealProc_AnExitedProcessReadsAsVanished_AndItsFileIsClosed()
    {
        using var child = StartSleep();
        using var files = new PidFileCache(new ProcFs());
        Assert.Equal("sleep", files.TryReadStat(child.Id)!.Comm);
        Assert.True(files.IsOpen(child.Id, PidFile.Stat));

        child.Kill();
        child.WaitForExit();
        Assert.Null(files.TryReadStat(child.Id));
        Assert.False(files.IsOpen(child.Id, PidFile.Stat));
    }

    [Fact]
    public void OnTheRealProc_RunNs_IsTheSameInstanceOnlyThroughAHeldFile_AndAnExitedProcessVanishes()
    {
        using var child = StartSleep();
        WaitUntilAsleep(child.Id);
        using var files = new PidFileCache(new ProcFs());
        Assert.True(files.TryReadRunNs(child.Id, out var first, out var same));
        Assert.False(same); // just opened: nothing to compare with
        Assert.True(first > 0);
        Assert.True(files.TryReadRunNs(child.Id, out var second, out same));
        Assert.True(same);
        Assert.Equal(first, second); // a sleeping process does not run

        child.Kill();
        child.WaitForExit();
        Assert.False(files.TryReadRunNs(child.Id, out _, out _));
        Assert.False(files.IsOpen(child.Id, PidFile.SchedStat));
    }

    [Fact]
    public void EndSample_ClosesTheFilesOfPidsNotReadSinceThePreviousSample()
    {
        using var child = StartSleep();
        try
        {
            using var files = new PidFileCache(new ProcFs());
            var self = Environment.ProcessId;
            files.TryReadStat(self);
            files.TryReadStat(child.Id);
            files.EndSample();
            Assert.Equal(2, files.OpenCount);

            files.TryReadStat(self);
            files.EndSample();
            Assert.True(files.IsOpen(self, PidFile.Stat));
            Assert.False(files.IsOpen(child.Id, PidFile.Stat));
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    [Fact]
    public void BeyondMaxOpen_ReadsStillWork_WithoutKeepingMoreFilesOpen()
    {
        using var files = new PidFileCache(new ProcFs(), maxOpen: 1);
        var self = Environment.ProcessId;
        Assert.NotNull(files.TryReadStat(self));
        Assert.True(files.TryReadComm(self, out _));
        Assert.Equal(1, files.OpenCount);
        Assert.NotNull(files.TryReadStat(1));
    }

    [Fact]
    public void BeyondMaxOpen_ReadsEveryFileCorrectly_AndHoldsAtMostTheCapOpen()
    {
        var children = Enumerable.Range(0, 5).Select(_ => StartSleep()).ToList();
        try
        {
            var pids = children.Select(c => c.Id).ToList();
            using var files = new PidFileCache(new ProcFs(), maxOpen: 2);
            for (var sample = 0; sample < 2; sample++)
            {
                foreach (var pid in pids)
                {
                    Assert.True(files.TryReadComm(pid, out var comm));
                    Assert.Equal(File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n'), comm.ToString());
                    Assert.Equal(pid, files.TryReadStat(pid)!.Pid);
                }

                files.EndSample();
                Assert.Equal(2, files.OpenCount);
                Assert.Equal(2, DescriptorsOn(pids));
            }

            files.CloseAll();
            Assert.Equal(0, DescriptorsOn(pids));
        }
        finally
        {
            foreach (var child in children)
            {
                child.Kill();
                child.WaitForExit();
                child.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(1024L, 512)]
    [InlineData(1_048_576L, PidFileCache.MaxOpenCeiling)]
    [InlineData(0L, 0)]
    [InlineData(null, 512)]
    public void DefaultMaxOpen_IsHalfTheSoftDescriptorLimit_AtMostTheCeiling(long? softLimit, int expected) =>
        Assert.Equal(expected, PidFileCache.DefaultMaxOpen(softLimit));

    [Fact]
    public void ByDefault_HoldsAtMostHalfThisProcessesSoftDescriptorLimit()
    {
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        using var files = new PidFileCache(new ProcFs());
        var expected = soft == "unlimited"
            ? PidFileCache.DefaultMaxOpen(null)
            : (int)Math.Min(long.Parse(soft, System.Globalization.CultureInfo.InvariantCulture) / 2, PidFileCache.MaxOpenCeiling);
        Assert.Equal(expected, files.MaxOpen);
    }

    /// <summary>How many of this process's descriptors are open on a /proc/&lt;pid&gt; file of <paramref name="pids"/>.</summary>
    private static int DescriptorsOn(IReadOnlyCollection<int> pids)
    {
        var prefixes = pids.Select(p => $"/proc/{p}/").ToList();
        var count = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && prefixes.Any(p => target.StartsWith(p, StringComparison.Ordinal)))
            {
                count++;
            }
        }

        return count;
    }
}
