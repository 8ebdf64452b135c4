using System.Text.RegularExpressions;
using GiantVm.Linux;
using GiantVm.Linux.Syscalls;
using GiantVm.NodeAgent.Execution;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Tests.Execution;

/// <summary>
/// The numactl backend for real on this machine (one NUMA node 0 with CPUs 0-1): real child
/// processes, the real /proc and /sys, sched_setaffinity and migratepages.
/// </summary>
public class RealNumactlExecutorTests
{
    private static NumactlExecutor Executor(string beComm) =>
        new(Inspector(beComm), new SchedAffinitySetter(), new MigratePagesProcess(), TimeProvider.System, Environment.ProcessId);

    private static ProcTaskInspector Inspector(string beComm) =>
        new(new ProcFs(), new SysFs(), new BeClassifier(new BeSelection(null, new Regex("^" + Regex.Escape(beComm) + "$"), null), null));

    private static MigrationRequest Request(int pid, ulong start, string comm) => new("cmd-1", "mig-1", "giantvm", pid, start, comm, [0], 0, false, null);

    private static string Node0Cpus() => new SysFs().ReadNumaTopology().Nodes.Single(n => n.Id == 0).CpuList;

    [Fact]
    public async Task Execute_OnARealBeProcessPinnedToCpu1_MovesEveryThreadToNode0sCpus()
    {
        using var be = RealBeProcess.Start(cpus: "1");
        var stat = be.Stat;

        var outcome = await Executor(be.Name).ExecuteAsync(Request(be.Pid, stat.StartTime, be.Name), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Done, outcome.Status);
        Assert.Equal("1", outcome.AffinityBefore);
        Assert.Equal(Node0Cpus(), outcome.AffinityAfter);
        Assert.Equal(Node0Cpus(), ListFormat.Format(SchedAffinity.Get(be.Pid).Cpus));
        Assert.Equal(Node0Cpus(), new ProcFs().TryReadPidStatus(be.Pid)!.CpusAllowedList);
        Assert.True(outcome.PagesBefore.GetValueOrDefault(0) > 0, "numa_maps shows the child's pages on node 0");
        Assert.Equal(0UL, outcome.PagesLeft);
        Assert.True(outcome.Duration > TimeSpan.Zero);
        Assert.Equal("", outcome.Error);
    }

    [Fact]
    public async Task Execute_OnAPidThatExited_ReportsVanished()
    {
        var be = RealBeProcess.Start();
        var (pid, start, name) = (be.Pid, be.Stat.StartTime, be.Name);
        be.Dispose();

        var outcome = await Executor(name).ExecuteAsync(Request(pid, start, name), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Vanished, outcome.Status);
    }

    [Fact]
    public async Task Execute_OnARealPidWithAnotherStartTime_RefusesAndLeavesItsAffinity()
    {
        using var be = RealBeProcess.Start(cpus: "1");

        var outcome = await Executor(be.Name).ExecuteAsync(Request(be.Pid, be.Stat.StartTime + 1, be.Name), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Refused, outcome.Status);
        Assert.Contains("start time", outcome.Error);
        Assert.Equal([1], SchedAffinity.Get(be.Pid).Cpus);
    }

    [Fact]
    public async Task Execute_OnARealProcessOutsideTheBeSet_RefusesAndLeavesItsAffinity()
    {
        using var be = RealBeProcess.Start(cpus: "1");

        var outcome = await Executor("some-other-name").ExecuteAsync(Request(be.Pid, be.Stat.StartTime, be.Name), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Refused, outcome.Status);
        Assert.Contains("not a BE task", outcome.Error);
        Assert.Equal([1], SchedAffinity.Get(be.Pid).Cpus);
    }

    [Fact]
    public async Task MigratePages_OnARealProcess_ExitsZero()
    {
        using var be = RealBeProcess.Start();

        var run = await new MigratePagesProcess().RunAsync(be.Pid, [0], [0], CancellationToken.None);

        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task MigratePages_OnAVanishedPid_FailsWithTheToolsText()
    {
        var be = RealBeProcess.Start();
        var pid = be.Pid;
        be.Dispose();

        var run = await new MigratePagesProcess().RunAsync(pid, [0], [0], CancellationToken.None);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("No such process", run.Output);
    }

    [Fact]
    public async Task MigratePages_WhenTheToolIsMissing_SaysToInstallNumactl()
    {
        var run = await new MigratePagesProcess("/nonexistent/migratepages").RunAsync(1, [0], [0], CancellationToken.None);

        Assert.Equal(127, run.ExitCode);
        Assert.Contains("numactl", run.Output);
    }
}
