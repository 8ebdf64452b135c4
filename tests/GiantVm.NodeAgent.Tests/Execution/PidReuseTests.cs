using GiantVm.Linux.Syscalls;
using GiantVm.NodeAgent.Execution;
using Moq;

namespace GiantVm.NodeAgent.Tests.Execution;

/// <summary>
/// The pid's start time is checked again right after the affinity change and after the page
/// migration: a new process that took the pid meanwhile means vanished, and the threads this move
/// touched get their own affinity back.
/// </summary>
public sealed class PidReuseTests
{
    private const ulong NewStart = 888;
    private readonly Mock<ITaskInspector> _inspector = FakeTask.Inspector();
    private readonly Mock<IAffinitySetter> _affinity = new();
    private readonly Mock<IMigratePagesTool> _tool = new();

    public PidReuseTests()
    {
        _affinity.Setup(a => a.Set(It.IsAny<int>(), It.IsAny<IReadOnlyCollection<int>>())).Returns(0);
        _tool.Setup(t => t.RunAsync(It.IsAny<int>(), It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ToolRun(0, ""));
    }

    private NumactlExecutor Executor() => new(_inspector.Object, _affinity.Object, _tool.Object, TimeProvider.System, selfPid: 99);

    private static bool Cpus(IReadOnlyCollection<int> cpus, params int[] expected) => cpus.SequenceEqual(expected);

    [Fact]
    public async Task ReplacedDuringTheAffinityChange_IsVanished_TheTouchedThreadsGetTheirAffinityBack_AndNoPagesMove()
    {
        // preflight sees the commanded process; right after the walk the pid names a new one
        _inspector.SetupSequence(i => i.Stat(FakeTask.Pid))
            .Returns(FakeTask.Stat()).Returns(FakeTask.Stat(start: NewStart)).Returns(FakeTask.Stat(start: NewStart));

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Vanished, outcome.Status);
        Assert.Contains("during the affinity change", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("affinity of 2 of its threads restored", outcome.Error, StringComparison.Ordinal);
        _affinity.Verify(a => a.Set(FakeTask.Pid, It.Is<IReadOnlyCollection<int>>(c => Cpus(c, 2, 3))), Times.Once);
        _affinity.Verify(a => a.Set(FakeTask.Pid, It.Is<IReadOnlyCollection<int>>(c => Cpus(c, 0, 1))), Times.Once);
        _affinity.Verify(a => a.Set(FakeTask.Pid + 1, It.Is<IReadOnlyCollection<int>>(c => Cpus(c, 0, 1))), Times.Once);
        _tool.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ReplacedDuringThePageMigration_IsVanished_AndTheAffinityIsRestored()
    {
        _inspector.SetupSequence(i => i.Stat(FakeTask.Pid))
            .Returns(FakeTask.Stat()).Returns(FakeTask.Stat()).Returns(FakeTask.Stat(start: NewStart)).Returns(FakeTask.Stat(start: NewStart));

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Vanished, outcome.Status);
        Assert.Contains("during the page migration", outcome.Error, StringComparison.Ordinal);
        Assert.Contains($"start time {NewStart}", outcome.Error, StringComparison.Ordinal);
        _tool.Verify(t => t.RunAsync(FakeTask.Pid, It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<CancellationToken>()), Times.Once);
        _affinity.Verify(a => a.Set(FakeTask.Pid + 1, It.Is<IReadOnlyCollection<int>>(c => Cpus(c, 0, 1))), Times.Once);
    }

    [Fact]
    public async Task OnlyThreadsThisMoveTouched_AreRestored()
    {
        _inspector.SetupSequence(i => i.Stat(FakeTask.Pid))
            .Returns(FakeTask.Stat()).Returns(FakeTask.Stat(start: NewStart)).Returns(FakeTask.Stat(start: NewStart));
        // the walk saw 4242 and 4243; the new process has 4242 (reused) and 6000 (never touched)
        _inspector.SetupSequence(i => i.Threads(FakeTask.Pid))
            .Returns([FakeTask.Pid, FakeTask.Pid + 1]).Returns([FakeTask.Pid, FakeTask.Pid + 1]).Returns([FakeTask.Pid, 6000]);

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Vanished, outcome.Status);
        Assert.Contains("affinity of 1 of its threads restored", outcome.Error, StringComparison.Ordinal);
        _affinity.Verify(a => a.Set(6000, It.IsAny<IReadOnlyCollection<int>>()), Times.Never);
    }

    [Fact]
    public async Task GoneAfterTheAffinityChange_IsVanished_WithNothingToRestore()
    {
        _inspector.SetupSequence(i => i.Stat(FakeTask.Pid)).Returns(FakeTask.Stat()).Returns((GiantVm.Linux.PidStat?)null).Returns((GiantVm.Linux.PidStat?)null);

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Vanished, outcome.Status);
        _affinity.Verify(a => a.Set(It.IsAny<int>(), It.Is<IReadOnlyCollection<int>>(c => Cpus(c, 0, 1))), Times.Never);
        _tool.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ARestoreThatFails_IsNamedInTheResult()
    {
        _inspector.SetupSequence(i => i.Stat(FakeTask.Pid))
            .Returns(FakeTask.Stat()).Returns(FakeTask.Stat(start: NewStart)).Returns(FakeTask.Stat(start: NewStart));
        _affinity.Setup(a => a.Set(FakeTask.Pid + 1, It.Is<IReadOnlyCollection<int>>(c => Cpus(c, 0, 1)))).Returns(SchedAffinity.Eperm);

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Vanished, outcome.Status);
        Assert.Contains($"restoring failed for tid {FakeTask.Pid + 1}: EPERM", outcome.Error, StringComparison.Ordinal);
    }
}
