using GiantVm.Linux.Syscalls;
using GiantVm.NodeAgent.Execution;
using Moq;

namespace GiantVm.NodeAgent.Tests.Execution;

public class NumactlExecutorTests
{
    private readonly Mock<ITaskInspector> _inspector = FakeTask.Inspector();
    private readonly Mock<IAffinitySetter> _affinity = new();
    private readonly Mock<IMigratePagesTool> _tool = new();

    public NumactlExecutorTests()
    {
        _affinity.Setup(a => a.Set(It.IsAny<int>(), It.IsAny<IReadOnlyCollection<int>>())).Returns(0);
        _tool.Setup(t => t.RunAsync(It.IsAny<int>(), It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ToolRun(0, ""));
    }

    private NumactlExecutor Executor() => new(_inspector.Object, _affinity.Object, _tool.Object, TimeProvider.System, selfPid: 99);

    private void AfterTheMove(string cpus, params (int Node, ulong Pages)[] pages)
    {
        _inspector.SetupSequence(i => i.Status(FakeTask.Pid)).Returns(FakeTask.Status("0-1")).Returns(FakeTask.Status(cpus));
        _inspector.Setup(i => i.ThreadStatus(FakeTask.Pid, It.IsAny<int>())).Returns(FakeTask.Status(cpus));
        _inspector.SetupSequence(i => i.NumaMaps(FakeTask.Pid)).Returns(FakeTask.Maps((0, 100))).Returns(FakeTask.Maps(pages));
    }

    [Fact]
    public async Task Execute_WhenEveryStepWorks_SetsEveryThreadMovesPagesAndReportsDone()
    {
        AfterTheMove("2-3", (1, 100));

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Done, outcome.Status);
        Assert.Equal(("0-1", "2-3"), (outcome.AffinityBefore, outcome.AffinityAfter));
        Assert.Equal((100UL, 0UL), (outcome.PagesMoved, outcome.PagesLeft));
        Assert.Equal(100UL, outcome.PagesAfter[1]);
        Assert.Equal("", outcome.Error);
        _affinity.Verify(a => a.Set(FakeTask.Pid, It.Is<IReadOnlyCollection<int>>(c => c.SequenceEqual(new[] { 2, 3 }))), Times.Once);
        _affinity.Verify(a => a.Set(FakeTask.Pid + 1, It.IsAny<IReadOnlyCollection<int>>()), Times.Once);
        _tool.Verify(t => t.RunAsync(FakeTask.Pid, It.Is<IReadOnlyCollection<int>>(f => f.SequenceEqual(new[] { 0 })), It.Is<IReadOnlyCollection<int>>(f => f.SequenceEqual(new[] { 1 })), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Execute_WhenThreadsAppearDuringTheWalk_SetsTheNewOnesToo()
    {
        AfterTheMove("2-3", (1, 100));
        _inspector.SetupSequence(i => i.Threads(FakeTask.Pid))
            .Returns([FakeTask.Pid]).Returns([FakeTask.Pid, 5000]).Returns([FakeTask.Pid, 5000]).Returns([FakeTask.Pid, 5000]);

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Done, outcome.Status);
        _affinity.Verify(a => a.Set(5000, It.IsAny<IReadOnlyCollection<int>>()), Times.Once);
        _affinity.Verify(a => a.Set(FakeTask.Pid, It.IsAny<IReadOnlyCollection<int>>()), Times.Once);
    }

    [Fact]
    public async Task Execute_WhenSetAffinityIsNotPermitted_FailsWithTheErrnoAndRunsNoTool()
    {
        _affinity.Setup(a => a.Set(It.IsAny<int>(), It.IsAny<IReadOnlyCollection<int>>())).Returns(SchedAffinity.Eperm);

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Failed, outcome.Status);
        Assert.Contains("EPERM", outcome.Error);
        _tool.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Execute_WhenOneThreadExitedMidWalk_IgnoresItAndSucceeds()
    {
        AfterTheMove("2-3", (1, 100));
        _affinity.Setup(a => a.Set(FakeTask.Pid + 1, It.IsAny<IReadOnlyCollection<int>>())).Returns(SchedAffinity.Esrch);

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Done, outcome.Status);
    }

    [Fact]
    public async Task Execute_WhenPagesStayBehind_IsPartialAndCarriesTheToolText()
    {
        AfterTheMove("2-3", (0, 30), (1, 70));
        _tool.Setup(t => t.RunAsync(It.IsAny<int>(), It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ToolRun(1, "migrate_pages: Cannot allocate memory"));

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Partial, outcome.Status);
        Assert.Equal((70UL, 30UL), (outcome.PagesMoved, outcome.PagesLeft));
        Assert.Contains("Cannot allocate memory", outcome.Error);
    }

    [Fact]
    public async Task Execute_WhenTheProcessExitsDuringMigratePages_ReportsVanished()
    {
        _inspector.SetupSequence(i => i.Stat(FakeTask.Pid)).Returns(FakeTask.Stat()).Returns((Linux.PidStat?)null);
        _tool.Setup(t => t.RunAsync(It.IsAny<int>(), It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<IReadOnlyCollection<int>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ToolRun(1, "migrate_pages: No such process"));

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Vanished, outcome.Status);
    }

    [Fact]
    public async Task Execute_WhenAThreadKeepsItsOldCpus_FailsNamingTheThread()
    {
        AfterTheMove("2-3", (1, 100));
        _inspector.Setup(i => i.ThreadStatus(FakeTask.Pid, FakeTask.Pid + 1)).Returns(FakeTask.Status("0-1"));

        var outcome = await Executor().ExecuteAsync(FakeTask.Request(toNode: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Failed, outcome.Status);
        Assert.Contains($"tid {FakeTask.Pid + 1}", outcome.Error);
    }

    [Fact]
    public async Task Execute_WhenRefused_TouchesNothing()
    {
        var outcome = await Executor().ExecuteAsync(FakeTask.Request(start: 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Refused, outcome.Status);
        _affinity.VerifyNoOtherCalls();
        _tool.VerifyNoOtherCalls();
    }
}
