using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Tests.Agents;
using GiantVm.Coordinator.Tests.Service;
using Grpc.Core;

namespace GiantVm.Coordinator.Tests.Limits;

/// <summary>The per-stream and per-member bounds over real gRPC (in-process TestServer, real Akka system).</summary>
[Trait("Category", "e2e")]
public sealed class AgentStreamLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static double Refused(string limit) => CoordinatorMetrics.LimitRefused.WithLabels(limit).Value;

    private static AgentMessage Report() => new() { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.01) };

    [Fact]
    public async Task AStreamWithoutHello_IsEndedDeadlineExceeded_AfterTheHelloTimeout()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync(settings: new Dictionary<string, string?> { ["Coordinator:HelloTimeoutSeconds"] = "2" });
        var before = Refused("hello_timeout");
        using var silent = AgentStream.Open(coordinator.Agents);

        var error = await silent.ExpectErrorAsync();

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains("no hello within 2 s", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(Refused("hello_timeout") > before);
    }

    [Fact]
    public async Task AHelloInTime_IsNotCutByTheHelloTimeout()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync(settings: new Dictionary<string, string?> { ["Coordinator:HelloTimeoutSeconds"] = "2" });
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());

        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct); // past the hello timeout: the stream must still work
        await guest.SendAckedAsync(Report());
    }

    [Fact]
    public async Task StreamsBeyondMaxStreams_AreRefusedResourceExhausted_UntilOneEnds()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync(settings: new Dictionary<string, string?> { ["Coordinator:MaxStreams"] = "2" });
        var before = Refused("max_streams");
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        var host1 = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.HostHello(1));

        using (var third = AgentStream.Open(coordinator.Agents))
        {
            var error = await third.ExpectErrorAsync();
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.Contains("already serves 2 agent streams (--max-streams)", error.Status.Detail, StringComparison.Ordinal);
        }

        Assert.True(Refused("max_streams") > before);
        host1.Dispose();
        // The freed place may take a moment to be seen (the server notices the ended call
        // asynchronously): until then a new stream is refused; it must be admitted within 30 s.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var again = AgentStream.Open(coordinator.Agents);
            try
            {
                await again.SendAsync(new AgentMessage { Hello = AgentStream.HostHello(0) });
                await again.NextAsync(m => m.PayloadCase == CoordinatorMessage.PayloadOneofCase.HelloAck);
                break;
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, Ct);
            }
        }
    }

    [Fact]
    public async Task ASecondStreamOfTheSameAgent_WinsAndTheOlderIsClosedWithAReason_Counted()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        var before = Refused("one_stream_per_agent");
        using var older = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.HostHello(1));

        using var newer = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.HostHello(1));
        var error = await older.ExpectErrorAsync();

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Contains("replaced by a newer connection", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(Refused("one_stream_per_agent") > before);
        var status = await coordinator.Admin.GetStatusAsync(new StatusRequest(), cancellationToken: Ct);
        Assert.Single(status.Agents, a => a.Role == AgentRole.Host && a.NodeId == 1);
    }

    [Fact]
    public async Task ReportsAboveMaxReportRate_AreDroppedAndCounted_TheStreamStaysOpen()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync(settings: new Dictionary<string, string?> { ["Coordinator:MaxReportRate"] = "1" });
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        var before = Refused("report_rate");
        var started = DateTime.UtcNow;
        var first = Report();
        await guest.SendAsync(first);
        for (var i = 0; i < 29; i++)
        {
            await guest.SendAsync(Report());
        }

        var elapsed = (DateTime.UtcNow - started).TotalSeconds;
        await guest.NextAsync(m => m.PayloadCase == CoordinatorMessage.PayloadOneofCase.ReportAck && m.ReportAck.Sequence == first.Sequence);
        // At 1 report/s with a burst of 1, at most 1 + elapsed (+1 for the reading lag) of the 30 pass.
        var mustDrop = 30 - (int)Math.Ceiling(elapsed) - 2;
        await AgentServiceTests.WaitUntil(() => Task.FromResult(Refused("report_rate") - before >= mustDrop));
        var status = await coordinator.Admin.GetStatusAsync(new StatusRequest(), cancellationToken: Ct);
        Assert.Single(status.Agents, a => a.Role == AgentRole.Guest);
    }

    [Fact]
    public async Task AReportWithMoreTasksThanAllowed_EndsTheStreamResourceExhausted()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync(settings: new Dictionary<string, string?> { ["Coordinator:MaxTasksPerReport"] = "2" });
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        var before = Refused("tasks_per_report");
        var report = Report();
        report.GuestReport.Tasks.Add(new BeTask { Pid = 5001, Comm = "b", NodeId = 1 });
        report.GuestReport.Tasks.Add(new BeTask { Pid = 5002, Comm = "c", NodeId = 1 });

        await guest.SendAsync(report);
        var error = await guest.ExpectErrorAsync();

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("guest_report.tasks has 3 entries; at most 2", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(Refused("tasks_per_report") > before);
    }

    [Fact]
    public async Task ACommTooLongForTheKernel_EndsTheStreamInvalidArgument()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        var report = Report();
        report.GuestReport.Tasks[0].Comm = "a-name-longer-than-15";

        await guest.SendAsync(report);
        var error = await guest.ExpectErrorAsync();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(".comm is 21 characters long; at most 15", error.Status.Detail, StringComparison.Ordinal);
    }
}
