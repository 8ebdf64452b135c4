using GiantVm.NodeAgent.Execution;

namespace GiantVm.NodeAgent.Tests.Execution;

public class PreflightTests
{
    [Fact]
    public void Check_WhenEverythingHolds_PreparesTheMoveWithPagesAndSources()
    {
        var inspector = FakeTask.Inspector();

        var (move, stop) = Preflight.Check(FakeTask.Request(toNode: 1), inspector.Object, selfPid: 99);

        Assert.Null(stop);
        Assert.NotNull(move);
        Assert.Equal(1, move.Target.Id);
        Assert.Equal([0], move.SourceNodes);
        Assert.Equal(100UL, move.PagesBefore![0]);
    }

    [Theory]
    [InlineData(1, 99, "pid 1")]
    [InlineData(FakeTask.Pid, FakeTask.Pid, "the agent itself")]
    [InlineData(0, 99, "not a process id")]
    public void Check_WhenThePidIsForbidden_Refuses(int pid, int self, string reason)
    {
        var (move, stop) = Preflight.Check(FakeTask.Request(pid: pid), FakeTask.Inspector().Object, self);

        Assert.Null(move);
        Assert.Equal(ExecutionStatus.Refused, stop!.Status);
        Assert.Contains(reason, stop.Error);
    }

    [Fact]
    public void Check_WhenTheStartTimeDiffers_RefusesAsPidReuse()
    {
        var (_, stop) = Preflight.Check(FakeTask.Request(start: FakeTask.StartTime + 1), FakeTask.Inspector().Object, 99);

        Assert.Equal(ExecutionStatus.Refused, stop!.Status);
        Assert.Contains("start time", stop.Error);
    }

    [Fact]
    public void Check_WhenItIsAKernelThread_Refuses()
    {
        var inspector = FakeTask.Inspector();
        inspector.Setup(i => i.Stat(FakeTask.Pid)).Returns(FakeTask.Stat(flags: Linux.PidStat.KernelThreadFlag));

        var (_, stop) = Preflight.Check(FakeTask.Request(), inspector.Object, 99);

        Assert.Equal(ExecutionStatus.Refused, stop!.Status);
        Assert.Contains("kernel thread", stop.Error);
    }

    [Fact]
    public void Check_WhenNoLongerBe_Refuses()
    {
        var (_, stop) = Preflight.Check(FakeTask.Request(), FakeTask.Inspector(isBe: false).Object, 99);

        Assert.Equal(ExecutionStatus.Refused, stop!.Status);
        Assert.Contains("not a BE task", stop.Error);
    }

    [Theory]
    [InlineData(7, "does not exist")]
    [InlineData(2, "has no CPUs")]
    public void Check_WhenTheTargetCannotRunTasks_Refuses(int node, string reason)
    {
        var (_, stop) = Preflight.Check(FakeTask.Request(toNode: node), FakeTask.Inspector().Object, 99);

        Assert.Equal(ExecutionStatus.Refused, stop!.Status);
        Assert.Contains(reason, stop.Error);
    }

    [Fact]
    public void Check_WhenTheProcessIsGone_ReportsVanished()
    {
        var inspector = FakeTask.Inspector();
        inspector.Setup(i => i.Stat(FakeTask.Pid)).Returns((Linux.PidStat?)null);

        var (_, stop) = Preflight.Check(FakeTask.Request(), inspector.Object, 99);

        Assert.Equal(ExecutionStatus.Vanished, stop!.Status);
    }

    [Fact]
    public void Check_WhenTheProcessIsAZombie_ReportsVanished()
    {
        var inspector = FakeTask.Inspector();
        inspector.Setup(i => i.Stat(FakeTask.Pid)).Returns(FakeTask.Stat(state: 'Z'));

        var (_, stop) = Preflight.Check(FakeTask.Request(), inspector.Object, 99);

        Assert.Equal(ExecutionStatus.Vanished, stop!.Status);
    }
}
