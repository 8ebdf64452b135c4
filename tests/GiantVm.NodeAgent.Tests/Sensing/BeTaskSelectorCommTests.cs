using System.Text.RegularExpressions;
using GiantVm.Linux.Tests.Fixtures;
using GiantVm.NodeAgent.Sensing;
using GiantVm.NodeAgent.Tests.Execution;

namespace GiantVm.NodeAgent.Tests.Sensing;

/// <summary>
/// <c>--be-comm</c> selection: other processes only have their comm read, and the classification
/// follows every change of a pid (pid reuse, exec, exit) from one sample to the next.
/// </summary>
[Collection(RealProcesses.Name)] // one test starts real processes
public class BeTaskSelectorCommTests
{
    private static BeTaskSelector Selector(string root, string pattern = "^gvm-be$") =>
        new(new GiantVm.Linux.ProcFs(root), null, new BeSelection(null, new Regex(pattern), null), null);

    private static FakeProcess Process(int pid, string comm, ulong startTime) =>
        new(pid, comm, 100, 10, startTime, 1, 40, "0-3", "0");

    private static int[] Pids(BeTaskSelector selector) => [.. selector.Read(false).Select(t => t.Stat.Pid)];

    [Fact]
    public void Read_SelectsOnlyTheProcessesWhoseCommMatches()
    {
        using var tree = FakeTree.Create();
        tree.WriteProcess(Process(300, "gvm-be", 5000)).WriteProcess(Process(301, "bash", 5001)).WriteProcess(Process(302, "gvm-be", 5002));
        using var selector = Selector(tree.Proc);
        Assert.Equal([300, 302], Pids(selector));
        Assert.Equal([300, 302], Pids(selector));
    }

    [Fact]
    public void Read_NewProcessReusingTheAPidOfAnOtherProcess_IsClassifiedAsBe()
    {
        using var tree = FakeTree.Create();
        tree.WriteProcess(Process(300, "bash", 5000));
        using var selector = Selector(tree.Proc);
        Assert.Empty(Pids(selector));

        tree.Delete("proc/300").WriteProcess(Process(300, "gvm-be", 9000)); // same pid, new process
        var task = Assert.Single(selector.Read(false));
        Assert.Equal((300, 9000UL), (task.Stat.Pid, task.Stat.StartTime));
    }

    [Fact]
    public void Read_NewProcessReusingTheAPidOfABeTask_IsReClassifiedAndDropsOut()
    {
        using var tree = FakeTree.Create();
        tree.WriteProcess(Process(300, "gvm-be", 5000));
        using var selector = Selector(tree.Proc);
        Assert.Equal([300], Pids(selector));

        tree.Delete("proc/300").WriteProcess(Process(300, "bash", 9000));
        Assert.Empty(Pids(selector));
    }

    [Fact]
    public void Read_BeTaskReplacedByANewBeProcessOnTheSamePid_ReportsTheNewInstance()
    {
        using var tree = FakeTree.Create();
        tree.WriteProcess(Process(300, "gvm-be", 5000));
        using var selector = Selector(tree.Proc);
        Assert.Equal(5000UL, selector.Read(false).Single().Stat.StartTime);

        tree.Delete("proc/300").WriteProcess(Process(300, "gvm-be", 9000));
        Assert.Equal(9000UL, selector.Read(false).Single().Stat.StartTime);
    }

    [Fact]
    public void Read_ProcessThatExecsIntoAMatchingName_IsSelectedOnTheNextSample()
    {
        using var tree = FakeTree.Create();
        tree.WriteProcess(Process(300, "numactl", 5000));
        using var selector = Selector(tree.Proc);
        Assert.Empty(Pids(selector));

        tree.WriteProcess(Process(300, "gvm-be", 5000)); // exec: same pid and start time, new comm
        Assert.Equal([300], Pids(selector));

        tree.WriteProcess(Process(300, "other", 5000)); // renamed away again (prctl PR_SET_NAME)
        Assert.Empty(Pids(selector));
    }

    [Fact]
    public void Read_VanishedPid_DropsOut()
    {
        using var tree = FakeTree.Create();
        tree.WriteProcess(Process(300, "gvm-be", 5000)).WriteProcess(Process(301, "gvm-be", 5001));
        using var selector = Selector(tree.Proc);
        Assert.Equal([300, 301], Pids(selector));

        tree.Delete("proc/300");
        Assert.Equal([301], Pids(selector));
    }

    [Fact]
    public void Read_DoesNotReadTheStatOfProcessesWhoseCommDoesNotMatch()
    {
        using var tree = FakeTree.Create();
        tree.WriteProcess(Process(300, "gvm-be", 5000)).WriteProcess(Process(301, "bash", 5001));
        tree.Write("proc/301/stat", "garbage that would fail to parse\n");
        using var selector = Selector(tree.Proc);
        Assert.Equal([300], Pids(selector));
    }

    [Fact]
    public void Read_KernelThreadWithAMatchingName_IsNeverSelected()
    {
        using var tree = FakeTree.Create();
        tree.WriteProcess(Process(300, "gvm-be", 5000) with { KernelThread = true });
        using var selector = Selector(tree.Proc);
        Assert.Empty(Pids(selector));
        Assert.Empty(Pids(selector));
    }

    [Fact]
    [Trait("Category", "e2e")]
    public void Read_OnTheRealProc_KeepsTheBeTasksFilesOpen_AndDropsAKilledTask()
    {
        using var first = RealBeProcess.Start();
        using var second = RealBeProcess.Start();
        using var selector = Selector("/proc", $"^({first.Name}|{second.Name})$");

        Assert.Equal([first.Pid, second.Pid], Pids(selector).Order());
        Assert.Equal([first.Pid, second.Pid], Pids(selector).Order()); // now read through the open files
        Assert.True(selector.HoldsFilesOf(first.Pid) && selector.HoldsFilesOf(second.Pid));

        second.Kill();
        Assert.Equal([first.Pid], Pids(selector));
        Assert.False(selector.HoldsFilesOf(second.Pid));
        Assert.True(selector.HoldsFilesOf(first.Pid));
    }

    [Fact]
    public void Read_OnTheRealProc_ASampleThatFailsPartWay_KeepsNoFileOpen()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"gvm-no-such-pidfile-{Guid.NewGuid():N}");
        using var selector = new BeTaskSelector(new GiantVm.Linux.ProcFs("/proc"), null, new BeSelection(null, new Regex("."), missing), null);

        // every process's comm is read (and held open) before the missing pid file fails the sample
        Assert.ThrowsAny<IOException>(() => selector.Read(false));
        Assert.Equal(0, selector.OpenFileCount);
    }
}
