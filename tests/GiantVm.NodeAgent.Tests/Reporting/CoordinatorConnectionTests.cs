using System.Net;
using System.Net.Sockets;
using GiantVm.Contracts.V1;
using GiantVm.NodeAgent.Execution;
using GiantVm.NodeAgent.Reporting;
using GiantVm.NodeAgent.Tests.Execution;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace GiantVm.NodeAgent.Tests.Reporting;

/// <summary>The reporting client against a real in-process gRPC fake coordinator on loopback.</summary>
public sealed class CoordinatorConnectionTests : IAsyncDisposable
{
    private readonly Wakeup _wakeup = new();
    private readonly LatestReport _reports;
    private readonly ResultOutbox _results;
    private readonly ReportInterval _interval = new(TimeSpan.FromSeconds(1));
    private readonly Mock<IMigrationExecutor> _executor = new();
    private CoordinatorConnection? _client;

    public CoordinatorConnectionTests()
    {
        _reports = new LatestReport(_wakeup);
        _results = new ResultOutbox(_wakeup);
        _executor.Setup(e => e.Name).Returns("numactl");
        _executor.Setup(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(MigrationOutcome.Untouched(ExecutionStatus.Done, "") with { AffinityBefore = "1", AffinityAfter = "0-1" });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync(CancellationToken.None);
            _client.Dispose();
        }
    }

    private Task StartClientAsync(params Uri[] addresses) => StartClientAsync(NullLogger<CoordinatorConnection>.Instance, addresses);

    private Task StartClientAsync(Microsoft.Extensions.Logging.ILogger<CoordinatorConnection> log, params Uri[] addresses) => StartClientAsync(log, null, addresses);

    private async Task StartClientAsync(Microsoft.Extensions.Logging.ILogger<CoordinatorConnection> log, StreamHealth? health, params Uri[] addresses)
    {
        var dispatcher = new MigrationDispatcher(_executor.Object, _executor.Object, TimeProvider.System, NullLogger.Instance, TimeSpan.FromSeconds(30));
        _client = new CoordinatorConnection(addresses, "giantvm",
            () => ProtoMapping.Hello(AgentRole.Guest, 0, "giantvm", "numactl", FakeTask.TwoNodes()),
            _reports, _results, _wakeup, dispatcher, _interval, new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)),
            TimeProvider.System, log, health: health);
        await _client.StartAsync(Ct);
    }

    private static AgentMessage Report(string marker) => new() { GuestReport = new GuestReport { Vm = marker } };

    [Fact]
    public async Task ACoordinatorThatStopsAnswering_IsGivenUpAfterTheSilentIntervals_ForTheNextOne()
    {
        await using var hung = await FakeCoordinator.StartAsync();
        hung.Shared.Mute = true;
        await using var live = await FakeCoordinator.StartAsync();
        var log = new ListLogger<CoordinatorConnection>();
        await StartClientAsync(log, new StreamHealth(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), SilentIntervals: 2), hung.Address, live.Address);
        await hung.WaitUntilAsync(m => m.Count >= 1, Ct);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        _reports.Set(Report("r1"));
        await live.WaitUntilAsync(m => m.Any(x => x.PayloadCase == AgentMessage.PayloadOneofCase.Hello), Ct);

        // 2 intervals of 1 s of silence after the report, then the next address (backoff <= 200 ms).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));
        Assert.Contains(hung.Received, m => m.GuestReport?.Vm == "r1");
        Assert.Contains(log.Lines, m => m.Contains("nothing from the coordinator for", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACoordinatorThatAcknowledges_KeepsTheStream_PastTheSilentIntervals()
    {
        await using var coordinator = await FakeCoordinator.StartAsync();
        await StartClientAsync(NullLogger<CoordinatorConnection>.Instance, new StreamHealth(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), SilentIntervals: 1), coordinator.Address);
        await coordinator.WaitUntilAsync(m => m.Count >= 1, Ct);
        for (var i = 0; i < 4; i++)
        {
            _reports.Set(Report($"r{i}"));
            await coordinator.WaitUntilAsync(m => m.Any(x => x.GuestReport?.Vm == $"r{i}"), Ct);
            await Task.Delay(TimeSpan.FromSeconds(0.6), Ct); // more than the silence limit (1 interval) in all
        }

        Assert.Single(coordinator.Received, m => m.PayloadCase == AgentMessage.PayloadOneofCase.Hello);
    }

    [Fact]
    public async Task Session_SaysHelloFirstThenSendsReportsInSequence()
    {
        await using var coordinator = await FakeCoordinator.StartAsync();
        await StartClientAsync(coordinator.Address);
        await coordinator.WaitUntilAsync(m => m.Count >= 1, Ct);

        _reports.Set(Report("r1"));
        await coordinator.WaitUntilAsync(m => m.Any(x => x.GuestReport?.Vm == "r1"), Ct);
        _reports.Set(Report("r2"));
        await coordinator.WaitUntilAsync(m => m.Any(x => x.GuestReport?.Vm == "r2"), Ct);

        var received = coordinator.Received.ToArray();
        Assert.Equal(AgentMessage.PayloadOneofCase.Hello, received[0].PayloadCase);
        Assert.Equal(AgentRole.Guest, received[0].Hello.Role);
        Assert.Equal(1u, received[0].Hello.ProtocolVersion);
        Assert.Equal("numactl", received[0].Hello.Executor);
        Assert.Equal(3, received[0].Hello.Topology.Nodes.Count);
        Assert.Equal([1UL, 2UL, 3UL], received.Select(m => m.Sequence));
    }

    [Fact]
    public async Task Disconnected_KeepsOnlyTheLatestReport()
    {
        var port = FreePort.Next();
        await StartClientAsync(new Uri($"http://127.0.0.1:{port}"));
        _reports.Set(Report("old-1"));
        _reports.Set(Report("old-2"));
        _reports.Set(Report("latest"));

        await using var coordinator = await FakeCoordinator.StartAsync(port);
        await coordinator.WaitUntilAsync(m => m.Any(x => x.GuestReport is not null), Ct);

        var reports = coordinator.Received.Where(m => m.GuestReport is not null).ToArray();
        Assert.Equal("latest", reports[0].GuestReport.Vm);
        Assert.DoesNotContain(coordinator.Received, m => m.GuestReport?.Vm is "old-1" or "old-2");
    }

    [Fact]
    public async Task Settings_FromTheCoordinator_ChangeTheReportInterval()
    {
        await using var coordinator = await FakeCoordinator.StartAsync(intervalSeconds: 2);
        await StartClientAsync(coordinator.Address);
        await coordinator.WaitUntilAsync(m => m.Count >= 1, Ct);

        await coordinator.SendAsync(new CoordinatorMessage { Settings = new AgentSettings { ReportIntervalSeconds = 5 } }, Ct);

        await WaitForAsync(() => _interval.Current == TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task MigrateCommand_IsExecutedOnceAndARepeatIsAnsweredFromMemory()
    {
        await using var coordinator = await FakeCoordinator.StartAsync();
        await StartClientAsync(coordinator.Address);
        await coordinator.WaitUntilAsync(m => m.Count >= 1, Ct);
        var command = new MigrateCommand { CommandId = "cmd-7", MigrationId = "mig-7", Vm = "giantvm", Pid = 4242, StartTimeTicks = 777, ToNode = 0 };

        await coordinator.SendAsync(new CoordinatorMessage { Migrate = command }, Ct);
        await coordinator.WaitUntilAsync(m => m.Count(x => x.MigrationResult is not null) == 1, Ct);
        await coordinator.SendAsync(new CoordinatorMessage { Migrate = command }, Ct);
        await coordinator.WaitUntilAsync(m => m.Count(x => x.MigrationResult is not null) == 2, Ct);

        var result = coordinator.Received.First(m => m.MigrationResult is not null).MigrationResult;
        Assert.Equal(("cmd-7", "mig-7", 4242, MigrationStatus.Done), (result.CommandId, result.MigrationId, result.Pid, result.Status));
        Assert.Equal(("1", "0-1"), (result.AffinityBefore, result.AffinityAfter));
        _executor.Verify(e => e.ExecuteAsync(It.IsAny<MigrationRequest>(), It.IsAny<CancellationToken>()), Times.Once);
        await WaitForAsync(() => _results.Count == 0); // both acknowledged
    }

    [Fact]
    public async Task MigrateResult_IsLoggedWithTheTimeFromCommandToResultSent()
    {
        await using var coordinator = await FakeCoordinator.StartAsync();
        var log = new ListLogger<CoordinatorConnection>();
        await StartClientAsync(log, coordinator.Address);
        await coordinator.WaitUntilAsync(m => m.Count >= 1, Ct);

        await coordinator.SendAsync(new CoordinatorMessage { Migrate = new MigrateCommand { CommandId = "cmd-8", MigrationId = "mig-8", Vm = "giantvm", Pid = 4242, StartTimeTicks = 777, ToNode = 0 } }, Ct);
        await coordinator.WaitUntilAsync(m => m.Any(x => x.MigrationResult is not null), Ct);

        // logged just after the write: scripts/numa-guest.sh reads this figure from the guest's console
        await WaitForAsync(() => log.Lines.Any(l => l.StartsWith("Result cmd-8 (Done) sent ", StringComparison.Ordinal)));
        var line = log.Lines.Single(l => l.StartsWith("Result cmd-8 ", StringComparison.Ordinal));
        var ms = double.Parse(System.Text.RegularExpressions.Regex.Match(line, @"sent ([0-9.]+) ms after the command arrived$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ms, 0, 30_000);
    }

    [Fact]
    public async Task CoordinatorRestart_TheAgentReconnectsAndSaysHelloAgain()
    {
        var first = await FakeCoordinator.StartAsync();
        var port = first.Port;
        await StartClientAsync(first.Address);
        await first.WaitUntilAsync(m => m.Count >= 1, Ct);
        await first.DisposeAsync();

        await using var second = await FakeCoordinator.StartAsync(port);
        await second.WaitUntilAsync(m => m.Any(x => x.Hello is not null), Ct);
        _reports.Set(Report("after-restart"));
        await second.WaitUntilAsync(m => m.Any(x => x.GuestReport?.Vm == "after-restart"), Ct);
    }

    [Fact]
    public async Task FirstAddressDown_TheNextOneIsTried()
    {
        await using var coordinator = await FakeCoordinator.StartAsync();
        await StartClientAsync(new Uri($"http://127.0.0.1:{FreePort.Next()}"), coordinator.Address);

        await coordinator.WaitUntilAsync(m => m.Any(x => x.Hello is not null), Ct);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
