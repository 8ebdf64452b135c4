using GiantVm.EndToEnd.Tests.Infrastructure;
using GiantVm.Linux;
using GiantVm.NodeAgent.Execution;
using GiantVm.NodeAgent.Sensing;
using GiantVm.Simulator.Emulation;

namespace GiantVm.EndToEnd.Tests.Emulation;

/// <summary>The agent's emulated executor against a running emulator (in-process, real time).</summary>
[Trait("Category", "in-process")]
public sealed class EmulatedExecutorTests : IAsyncLifetime
{
    private const string Scenario = """
        name: executor-test
        step: 50ms
        migrate_rate: 128MiB
        nodes:
          - { cpus: 2, memory: 1GiB }
          - { cpus: 2, memory: 1GiB }
          - { cpus: 2, memory: 1GiB }
        be_tasks:
          - { comm: be-batch, count: 2, cpu: 0.5, rss: 64MiB, node: 1, threads: 2 }
        """;

    private readonly TempDir _dir = new("emu-exec");
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private EmulatedExecutor _executor = null!;
    private ProcTaskInspector _inspector = null!;

    public async ValueTask InitializeAsync()
    {
        var scenario = ScenarioLoader.Load(Scenario, "executor-test.yaml");
        _loop = Task.Run(() => new EmulatorLoop(scenario, _dir.Path, TextWriter.Null).RunAsync(null, _stop.Token));
        await Eventually.WaitAsync(() => File.Exists(_dir.Combine("emulator", "status.json")), TimeSpan.FromSeconds(30), "the emulator's first files");
        var proc = new ProcFs(_dir.Combine("guest", "proc"));
        var sys = new SysFs(_dir.Combine("guest", "sys"));
        var cgroups = new CgroupFs(CgroupLayout.Detect(sys.Root));
        _inspector = new ProcTaskInspector(proc, sys, new BeClassifier(new BeSelection("be", null, null), cgroups));
        _executor = new EmulatedExecutor(_inspector, _dir.Path, TimeProvider.System, Environment.ProcessId);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
        _dir.Dispose();
    }

    private static MigrationRequest Request(string id, int pid, ulong start, int to) =>
        new(id, "m-" + id, "giantvm", pid, start, "be-batch", [], to, false, null);

    [Fact]
    public async Task Execute_MovesTheTask_AndVerifiesAffinityAndPagesInTheFiles()
    {
        var stat = _inspector.Stat(EmulatorState.FirstTaskPid)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var outcome = await _executor.ExecuteAsync(Request("move-1", stat.Pid, stat.StartTime, 2), timeout.Token);

        Assert.Equal(ExecutionStatus.Done, outcome.Status);
        Assert.Equal("", outcome.Error);
        Assert.Equal("2-3", outcome.AffinityBefore);
        Assert.Equal("4-5", outcome.AffinityAfter);
        Assert.Equal(16384UL, outcome.PagesBefore[1]);
        Assert.Equal(16384UL, outcome.PagesAfter[2]);
        Assert.Equal(16384UL, outcome.PagesMoved);
        Assert.Equal(0UL, outcome.PagesLeft);
        Assert.InRange(outcome.Duration.TotalSeconds, 0.4, 30); // 64 MiB at 128 MiB/s
        Assert.Equal("4-5", _inspector.Status(stat.Pid)!.CpusAllowedList);
        Assert.Empty(Directory.GetFiles(_dir.Combine("control", "requests"), "*.json"));
        Assert.True(File.Exists(_dir.Combine("control", "done", "move-1.json")));
    }

    [Fact]
    public async Task Execute_WrongStartTime_IsRefusedBeforeAskingTheEmulator()
    {
        var stat = _inspector.Stat(EmulatorState.FirstTaskPid)!;

        var outcome = await _executor.ExecuteAsync(Request("stale", stat.Pid, stat.StartTime + 1, 2), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Refused, outcome.Status);
        Assert.Contains("another process now holds that pid", outcome.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("control", "done", "stale.json")));
    }

    [Fact]
    public async Task Execute_SecondMoveOfAMovingTask_IsFailedByTheEmulator()
    {
        var stat = _inspector.Stat(EmulatorState.FirstTaskPid + 2)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var first = _executor.ExecuteAsync(Request("a", stat.Pid, stat.StartTime, 0), timeout.Token);
        await Eventually.WaitAsync(() => !File.Exists(_dir.Combine("control", "requests", "a.json")), TimeSpan.FromSeconds(20), "request a taken");
        var second = await _executor.ExecuteAsync(Request("b", stat.Pid, stat.StartTime, 2), timeout.Token);

        Assert.Equal(ExecutionStatus.Failed, second.Status);
        Assert.Contains("emulator: failed: pid 4102 is already moving (command a)", second.Error, StringComparison.Ordinal);
        Assert.Equal(ExecutionStatus.Done, (await first).Status);
    }

    [Fact]
    public async Task Execute_CancelledBeforeTheEmulatorAnswers_WithdrawsTheRequest()
    {
        var executor = new EmulatedExecutor(_inspector, _dir.Combine("not-running"), TimeProvider.System, Environment.ProcessId);
        Directory.CreateDirectory(_dir.Combine("not-running", "control", "requests"));
        var stat = _inspector.Stat(EmulatorState.FirstTaskPid)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.ExecuteAsync(Request("late", stat.Pid, stat.StartTime, 2), timeout.Token));

        Assert.Empty(Directory.GetFiles(_dir.Combine("not-running", "control", "requests")));
    }

    [Theory]
    [InlineData("3f2a-11", "3f2a-11")]
    [InlineData("a/b c", "a_b_c")]
    [InlineData(".hidden", "c.hidden")]
    public void FileId_KeepsSafeCharactersOnly(string id, string expected)
    {
        Assert.Equal(expected, GiantVm.Common.Emulation.EmulatorControl.FileId(id));
    }
}
