using GiantVm.NodeAgent.Execution;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GiantVm.NodeAgent.Tests.Execution;

public class MigrationDispatcherTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Mock<IMigrationExecutor> _executor = new();
    private readonly Mock<IMigrationExecutor> _dryRun = new();

    public MigrationDispatcherTests()
    {
        _executor.Setup(e => e.Name).Returns("numactl");
        _executor.Setup(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(MigrationOutcome.Untouched(ExecutionStatus.Done, ""));
        _dryRun.Setup(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(MigrationOutcome.Untouched(ExecutionStatus.DryRun, "would"));
    }

    private MigrationDispatcher Dispatcher() => new(_executor.Object, _dryRun.Object, _time, NullLogger.Instance, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Submit_WhenTheIdWasSeen_AnswersFromMemoryWithoutRunningAgain()
    {
        var dispatcher = Dispatcher();

        var first = await dispatcher.Submit(FakeTask.Request(id: "same"), CancellationToken.None, out var firstRepeated).WaitAsync(Wait, TestContext.Current.CancellationToken);
        var second = await dispatcher.Submit(FakeTask.Request(id: "same"), CancellationToken.None, out var secondRepeated).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.False(firstRepeated);
        Assert.True(secondRepeated);
        Assert.Same(first, second);
        _executor.Verify(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Submit_WhenTheDeadlineHasPassed_TimesOutWithoutExecuting()
    {
        var reply = await Dispatcher().Submit(FakeTask.Request(deadline: _time.GetUtcNow().AddSeconds(-1)), CancellationToken.None, out _).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(ExecutionStatus.Timeout, reply.Outcome.Status);
        _executor.Verify(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Submit_WhenTheExecutorOutlivesTheDeadline_ReportsTimeout()
    {
        var started = new TaskCompletionSource();
        _executor.Setup(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>()))
            .Returns(async (MigrationRequest _, CancellationToken ct) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return MigrationOutcome.Untouched(ExecutionStatus.Done, "");
            });

        var task = Dispatcher().Submit(FakeTask.Request(deadline: _time.GetUtcNow().AddSeconds(5)), CancellationToken.None, out _);
        await started.Task.WaitAsync(Wait, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(6));
        var reply = await task.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(ExecutionStatus.Timeout, reply.Outcome.Status);
    }

    [Fact]
    public async Task Submit_WhenTheExecutorThrows_ReportsFailedWithTheMessage()
    {
        _executor.Setup(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("disk on fire"));

        var reply = await Dispatcher().Submit(FakeTask.Request(), CancellationToken.None, out _).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(ExecutionStatus.Failed, reply.Outcome.Status);
        Assert.Contains("disk on fire", reply.Outcome.Error);
    }

    [Fact]
    public async Task Submit_WhenTheCommandIsDryRun_UsesTheDryRunExecutor()
    {
        var reply = await Dispatcher().Submit(FakeTask.Request(dryRun: true), CancellationToken.None, out _).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(ExecutionStatus.DryRun, reply.Outcome.Status);
        _executor.Verify(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Submit_TwoCommandsForOneTask_RunOneAfterTheOther()
    {
        var release = new TaskCompletionSource();
        var running = 0;
        var maxRunning = 0;
        var firstStarted = new TaskCompletionSource();
        _executor.Setup(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>()))
            .Returns(async (MigrationRequest r, CancellationToken _) =>
            {
                maxRunning = Math.Max(maxRunning, Interlocked.Increment(ref running));
                if (r.CommandId == "a")
                {
                    firstStarted.SetResult();
                    await release.Task;
                }

                Interlocked.Decrement(ref running);
                return MigrationOutcome.Untouched(ExecutionStatus.Done, "");
            });
        var dispatcher = Dispatcher();

        var a = dispatcher.Submit(FakeTask.Request(id: "a"), CancellationToken.None, out _);
        await firstStarted.Task.WaitAsync(Wait, TestContext.Current.CancellationToken);
        var b = dispatcher.Submit(FakeTask.Request(id: "b"), CancellationToken.None, out _);
        Assert.False(b.IsCompleted);
        release.SetResult();
        await Task.WhenAll(a, b).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task Submit_AfterARealMove_CallsTheAfterMoveHookWithThePid()
    {
        var moved = new List<int>();
        var dispatcher = new MigrationDispatcher(_executor.Object, _dryRun.Object, _time, NullLogger.Instance, TimeSpan.FromSeconds(30), afterMove: pid => { lock (moved) { moved.Add(pid); } });

        await dispatcher.Submit(FakeTask.Request(pid: 31), CancellationToken.None, out _).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal([31], moved);
    }

    [Fact]
    public async Task Submit_ADryRun_DoesNotCallTheAfterMoveHook()
    {
        var moved = new List<int>();
        var dispatcher = new MigrationDispatcher(_executor.Object, _dryRun.Object, _time, NullLogger.Instance, TimeSpan.FromSeconds(30), afterMove: pid => { lock (moved) { moved.Add(pid); } });

        await dispatcher.Submit(FakeTask.Request(dryRun: true), CancellationToken.None, out _).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Empty(moved);
    }
}
