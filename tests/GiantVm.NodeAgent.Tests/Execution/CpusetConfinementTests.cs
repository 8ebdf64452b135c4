using System.Globalization;
using GiantVm.NodeAgent.Execution;
using Moq;

namespace GiantVm.NodeAgent.Tests.Execution;

/// <summary>With --be-comm the cpuset executor only moves tasks already under the BE cgroup (fake cgroup trees).</summary>
public sealed class CpusetConfinementTests : IDisposable
{
    private readonly string _be = Directory.CreateTempSubdirectory("giantvm-cpuset-confined-").FullName;

    public void Dispose() => Directory.Delete(_be, recursive: true);

    private static string Pid => FakeTask.Pid.ToString(CultureInfo.InvariantCulture);

    private static Mock<ITaskInspector> MovingInspector()
    {
        var inspector = FakeTask.Inspector();
        inspector.SetupSequence(i => i.Status(FakeTask.Pid)).Returns(FakeTask.Status("0-1")).Returns(FakeTask.Status("2-3"));
        inspector.Setup(i => i.ThreadStatus(FakeTask.Pid, It.IsAny<int>())).Returns(FakeTask.Status("2-3"));
        inspector.SetupSequence(i => i.NumaMaps(FakeTask.Pid)).Returns(FakeTask.Maps((0, 100))).Returns(FakeTask.Maps((1, 100)));
        return inspector;
    }

    [Fact]
    public async Task Confined_ATaskOutsideTheBeCgroup_IsRefused_AndNothingIsWritten()
    {
        File.WriteAllText(Path.Combine(_be, "cgroup.procs"), "17\n");

        var outcome = await new CpusetExecutor(MovingInspector().Object, _be, TimeProvider.System, 99, confineToBeCgroup: true)
            .ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Refused, outcome.Status);
        Assert.Contains("not in the BE cgroup", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("--be-comm", outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_be, "node1")));
    }

    [Fact]
    public async Task Confined_ATaskInALeafBelowTheBeCgroup_IsMoved()
    {
        var node0 = Directory.CreateDirectory(Path.Combine(_be, "node0")).FullName;
        File.WriteAllText(Path.Combine(node0, "cgroup.procs"), Pid + "\n");

        var outcome = await new CpusetExecutor(MovingInspector().Object, _be, TimeProvider.System, 99, confineToBeCgroup: true)
            .ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Done, outcome.Status);
        Assert.Equal(Pid, File.ReadAllText(Path.Combine(_be, "node1", "cgroup.procs")).Trim());
    }

    [Fact]
    public async Task NotConfined_ATaskOutsideTheBeCgroup_IsMovedIn()
    {
        var outcome = await new CpusetExecutor(MovingInspector().Object, _be, TimeProvider.System, 99)
            .ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Done, outcome.Status);
    }

    [Fact]
    public async Task APidTakenByAnotherProcessBeforeTheWrite_IsVanished()
    {
        var inspector = MovingInspector();
        inspector.SetupSequence(i => i.Stat(FakeTask.Pid)).Returns(FakeTask.Stat()).Returns(FakeTask.Stat(start: 888));

        var outcome = await new CpusetExecutor(inspector.Object, _be, TimeProvider.System, 99)
            .ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Vanished, outcome.Status);
        Assert.Contains("now names another process (start time 888", outcome.Error, StringComparison.Ordinal);
    }
}
