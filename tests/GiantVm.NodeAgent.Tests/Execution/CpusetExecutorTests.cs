using GiantVm.NodeAgent.Execution;
using Moq;

namespace GiantVm.NodeAgent.Tests.Execution;

/// <summary>The cpuset backend on a fixture cgroup tree in a temporary folder (this machine's cgroup2 has no cpuset controller).</summary>
public sealed class CpusetExecutorTests : IDisposable
{
    private readonly string _be = Directory.CreateTempSubdirectory("giantvm-cpuset-").FullName;

    public void Dispose() => Directory.Delete(_be, recursive: true);

    [Fact]
    public async Task Execute_WhenTheLeafIsMissing_CreatesItWithTheNodesListsAndWritesThePid()
    {
        File.WriteAllText(Path.Combine(_be, "cgroup.subtree_control"), "cpu\n");
        var inspector = FakeTask.Inspector();
        inspector.SetupSequence(i => i.Status(FakeTask.Pid)).Returns(FakeTask.Status("0-1")).Returns(FakeTask.Status("2-3"));
        inspector.Setup(i => i.ThreadStatus(FakeTask.Pid, It.IsAny<int>())).Returns(FakeTask.Status("2-3"));
        inspector.SetupSequence(i => i.NumaMaps(FakeTask.Pid)).Returns(FakeTask.Maps((0, 100))).Returns(FakeTask.Maps((1, 100)));

        var outcome = await new CpusetExecutor(inspector.Object, _be, TimeProvider.System, 99).ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Done, outcome.Status);
        var leaf = Path.Combine(_be, "node1");
        Assert.Equal("2-3", File.ReadAllText(Path.Combine(leaf, "cpuset.cpus")).Trim());
        Assert.Equal("1", File.ReadAllText(Path.Combine(leaf, "cpuset.mems")).Trim());
        Assert.Equal(FakeTask.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(leaf, "cgroup.procs")).Trim());
        Assert.Equal("+cpuset", File.ReadAllText(Path.Combine(_be, "cgroup.subtree_control")).Trim());
        Assert.Equal((100UL, 0UL), (outcome.PagesMoved, outcome.PagesLeft));
    }

    [Fact]
    public async Task Execute_WhenTheKernelLeavesTheTaskOnOtherCpus_Fails()
    {
        var inspector = FakeTask.Inspector(); // status stays 0-1: the cpuset did not take effect

        var outcome = await new CpusetExecutor(inspector.Object, _be, TimeProvider.System, 99).ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Failed, outcome.Status);
        Assert.Contains("not within node 1", outcome.Error);
    }

    [Fact]
    public async Task Execute_WhenTheCpusetControllerIsNotEnabled_FailsSayingSo()
    {
        var leaf = Directory.CreateDirectory(Path.Combine(_be, "node1")).FullName;
        File.WriteAllText(Path.Combine(leaf, "cgroup.procs"), ""); // a real cgroup without cpuset files

        var outcome = await new CpusetExecutor(FakeTask.Inspector().Object, _be, TimeProvider.System, 99).ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Failed, outcome.Status);
        Assert.Contains("cpuset controller is not enabled", outcome.Error);
    }

    [Fact]
    public async Task Execute_WhenRefused_CreatesNoLeaf()
    {
        var outcome = await new CpusetExecutor(FakeTask.Inspector(isBe: false).Object, _be, TimeProvider.System, 99).ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Refused, outcome.Status);
        Assert.False(Directory.Exists(Path.Combine(_be, "node1")));
    }
}
