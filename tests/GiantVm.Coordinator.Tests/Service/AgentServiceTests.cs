using GiantVm.Coordinator.Agents;
using Microsoft.Extensions.DependencyInjection;
using GiantVm.Coordinator.Persistence;
using System.Text.Json;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Tests.Agents;
using GiantVm.Scheduling.Journal;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GiantVm.Coordinator.Tests.Service;

[Trait("Category", "in-process")]
public sealed class AgentServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AgentMessage Report(double steal0, double steal1 = 0.0) =>
        new() { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, steal0, steal1) };

    [Fact]
    public async Task Connect_WithAnUnsupportedProtocolVersion_IsRefusedNamingTheAcceptedOnes()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var agent = AgentStream.Open(coordinator.Agents);
        var hello = AgentStream.GuestHello();
        hello.ProtocolVersion = 7;

        await agent.SendAsync(new AgentMessage { Hello = hello });
        var error = await agent.ExpectErrorAsync();

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("accepts 1", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WithAReportBeforeHello_FailsPrecondition()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var agent = AgentStream.Open(coordinator.Agents);

        await agent.SendAsync(Report(0.1));
        var error = await agent.ExpectErrorAsync();

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("hello", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuestReports_ReachTheSnapshot_WithLcDataAbsentWithoutHostAgents()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());

        await guest.SendAckedAsync(Report(0.03, 0.07));

        await WaitUntil(async () => (await coordinator.Admin.ListNodesAsync(new NodesRequest(), cancellationToken: Ct)).Nodes.Count == 2);
        var nodes = (await coordinator.Admin.ListNodesAsync(new NodesRequest(), cancellationToken: Ct)).Nodes;
        Assert.Equal([0.03, 0.07], nodes.Select(n => n.StealRatio));
        Assert.All(nodes, n => Assert.False(n.HasHostLcBusyCores));
        var snapshot = JsonDocument.Parse((await coordinator.Admin.GetSnapshotAsync(new SnapshotRequest(), cancellationToken: Ct)).SnapshotJson);
        Assert.Equal(2, snapshot.RootElement.GetProperty("nodes").GetArrayLength());
        Assert.Equal(1, snapshot.RootElement.GetProperty("tasks").GetArrayLength());
    }

    [Fact]
    public async Task HostReports_AddLcDataToTheirNode()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        using var host = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.HostHello(1));

        await guest.SendAckedAsync(Report(0.01));
        await host.SendAckedAsync(new AgentMessage
        {
            HostReport = new HostReport { Vm = "giantvm", NodeId = 1, SampleTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), CapacityCores = 16, BusyCores = 9, LcBusyCores = 6.5 },
        });

        await WaitUntil(async () => (await coordinator.Admin.ListNodesAsync(new NodesRequest(), cancellationToken: Ct)).Nodes.Any(n => n.HasHostLcBusyCores));
        var nodes = (await coordinator.Admin.ListNodesAsync(new NodesRequest(), cancellationToken: Ct)).Nodes;
        Assert.False(nodes[0].HasHostLcBusyCores);
        Assert.Equal(6.5, nodes[1].HostLcBusyCores);
    }

    [Fact]
    public async Task HostHello_ForANodeOutsideTheGuestTopology_IsInvalidArgument()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        using var host = AgentStream.Open(coordinator.Agents);

        await host.SendAsync(new AgentMessage { Hello = AgentStream.HostHello(5) });
        var error = await host.ExpectErrorAsync();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("node_id 5", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hello_OfOneInstanceMoreThanMaxVms_IsResourceExhausted_KnownOnesStillConnect()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync(settings: new Dictionary<string, string?> { ["Coordinator:MaxVms"] = "2" });
        await coordinator.AnnounceInstanceAsync("second"); // giantvm is the first
        using var third = AgentStream.Open(coordinator.Agents);
        var hello = AgentStream.GuestHello();
        hello.Vm = "third";

        await third.SendAsync(new AgentMessage { Hello = hello });
        var error = await third.ExpectErrorAsync();
        using var known = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        var vms = await coordinator.Admin.ListVmsAsync(new VmsRequest(), cancellationToken: Ct);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("instance 'third' refused: this coordinator cluster serves 2 GiantVM instances already (--max-vms 2)", error.Status.Detail);
        Assert.Equal(["giantvm", "second"], vms.Vms.Select(v => v.Vm).Order(StringComparer.Ordinal));
        Assert.Equal(2u, vms.MaxVms);
    }

    [Fact]
    public async Task Hello_WithAVmThatCannotBeAnInstanceId_IsInvalidArgument()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var agent = AgentStream.Open(coordinator.Agents);
        var hello = AgentStream.GuestHello();
        hello.Vm = "../etc";

        await agent.SendAsync(new AgentMessage { Hello = hello });
        var error = await agent.ExpectErrorAsync();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("hello.vm must be letters, digits", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.5)]
    [InlineData(1.2)]
    public async Task BadReport_IsRejected_AndTheSnapshotKeepsTheLastGoodReport(double steal)
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        await guest.SendAckedAsync(Report(0.02));
        await WaitUntil(async () => (await coordinator.Admin.ListNodesAsync(new NodesRequest(), cancellationToken: Ct)).Nodes.Count > 0);
        var rejectedBefore = CoordinatorMetrics.ReportsRejected.WithLabels("invalid_value").Value;

        await guest.SendAsync(Report(steal));
        var error = await guest.ExpectErrorAsync();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.True(CoordinatorMetrics.ReportsRejected.WithLabels("invalid_value").Value > rejectedBefore);
        var nodes = (await coordinator.Admin.ListNodesAsync(new NodesRequest(), cancellationToken: Ct)).Nodes;
        Assert.Equal(0.02, nodes[0].StealRatio);
    }

    [Fact]
    public async Task Report_FarInTheFuture_IsRejected()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());

        await guest.SendAsync(new AgentMessage { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow.AddDays(1)) });
        var error = await guest.ExpectErrorAsync();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("ahead of the coordinator's clock", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedMessage_IsRejectedWithResourceExhausted()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync(settings: new Dictionary<string, string?> { ["Coordinator:MaxMessageBytes"] = "4096" });
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        var report = Report(0.01);
        report.GuestReport.Tasks[0].Comm = new string('x', 10_000);

        await guest.SendAsync(report);
        var error = await guest.ExpectErrorAsync();

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task NewerConnection_OfTheSameAgent_ReplacesTheOlder()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var older = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());

        using var newer = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        var error = await older.ExpectErrorAsync();

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        await newer.SendAckedAsync(Report(0.01));
        var status = await coordinator.Admin.GetStatusAsync(new StatusRequest(), cancellationToken: Ct);
        Assert.Single(status.Agents, a => a.Role == AgentRole.Guest);
    }

    [Fact]
    public async Task MemberLeavingTheCluster_EndsEveryAgentStreamAtOnce_WithUnavailable_AndRefusesNewOnes()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        using var host = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.HostHello(0));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        coordinator.Services.GetRequiredService<AgentStreamsEnd>().End(AgentStreamsEnd.LeftCluster);
        var errors = await Task.WhenAll(guest.ExpectErrorAsync(), host.ExpectErrorAsync());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the streams ended {clock.Elapsed.TotalSeconds:0.0} s after the member left");
        Assert.All(errors, e =>
        {
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
            Assert.Equal("this coordinator member left the cluster; reconnect to another member", e.Status.Detail);
        });
        // A new stream is refused before its hello is read: the refusal may surface on the write.
        using var late = AgentStream.Open(coordinator.Agents);
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await late.SendAsync(new AgentMessage { Hello = AgentStream.GuestHello() });
            await late.NextAsync(_ => false);
        });
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("this coordinator member left the cluster; reconnect to another member", refused.Status.Detail);
    }

    [Fact]
    public async Task GracefulStop_EndsTheAgentStreamsWithUnavailable_WithoutWaitingForTheAgents()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        var error = guest.ExpectErrorAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await coordinator.StopAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the host took {clock.Elapsed.TotalSeconds:0.0} s to stop with an agent stream open");
        var e = await error;
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal("this coordinator member is shutting down; reconnect to another member", e.Status.Detail);
    }

    [Fact]
    public async Task FakeGuest_ReceivesACommand_AndItsResultIsJournaled()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());

        await guest.SendAckedAsync(Report(0.6, 0.0));
        var command = (await guest.NextAsync(m => m.PayloadCase == CoordinatorMessage.PayloadOneofCase.Migrate)).Migrate;
        await guest.SendAsync(new AgentMessage
        {
            MigrationResult = new MigrationResult
            {
                CommandId = command.CommandId,
                MigrationId = command.MigrationId,
                Vm = "giantvm",
                Pid = command.Pid,
                Status = MigrationStatus.Done,
                PagesMoved = 256,
                DurationMs = 20,
                FinishedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            },
        });

        Assert.Equal((4242, 1u), (command.Pid, command.ToNode));
        await WaitUntil(async () => (await coordinator.Admin.ListMigrationsAsync(new MigrationsQuery { Status = { MigrationStatus.Done } }, cancellationToken: Ct)).Records.Count == 1);
        // what the store holds (the default store: SQLite in the data folder), read as sqlite3 would
        var store = new MigrationLogDb(StoreLocation.Parse("sqlite:" + Path.Combine(coordinator.DataDir, "giantvm.db")));
        var onDisk = await store.QueryAsync(JournalQuery.All, Ct);
        Assert.Equal([JournalKinds.Decision, JournalKinds.Result], onDisk.Select(r => r.Kind));
        Assert.All(onDisk, r => Assert.Equal(command.MigrationId, r.MigrationId));
        Assert.Equal(256, onDisk[1].PagesMoved);
    }

    internal static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 15 s");
            await Task.Delay(50, Ct);
        }
    }
}
