using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Tests.Agents;
using Grpc.Core;

namespace GiantVm.Coordinator.Tests.Service;

[Trait("Category", "in-process")]
public sealed class AdminServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReloadPolicy_WithInvalidContent_IsRejectedAndTheOldPolicyStays()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();

        var reply = await coordinator.Admin.ReloadPolicyAsync(new ReloadPolicyRequest { Content = "signal:\n  steal_high: 2\n", SourceName = "bad.yaml" }, cancellationToken: Ct);

        Assert.False(reply.Accepted);
        Assert.Contains(reply.Errors, e => e.StartsWith("bad.yaml:2: signal.steal_high", StringComparison.Ordinal));
        var policy = await coordinator.Admin.GetPolicyAsync(new GetPolicyRequest(), cancellationToken: Ct);
        Assert.Equal(("fast", 1u), (policy.Info.Name, policy.Info.Version));
    }

    [Fact]
    public async Task ReloadPolicy_WithValidContent_IsInForceWithADiff()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        var content = CoordinatorUnderTest.FastPolicy.Replace("mode: balanced", "mode: all-be", StringComparison.Ordinal);

        var reply = await coordinator.Admin.ReloadPolicyAsync(new ReloadPolicyRequest { Content = content, SourceName = "new.yaml" }, cancellationToken: Ct);

        Assert.True(reply.Accepted);
        Assert.Contains("mode:", reply.Diff, StringComparison.Ordinal);
        var policy = await coordinator.Admin.GetPolicyAsync(new GetPolicyRequest(), cancellationToken: Ct);
        Assert.Equal((2u, "new.yaml", "all-be", content), (policy.Info.Version, policy.Info.Source, policy.Info.Mode, policy.Content));
    }

    [Fact]
    public async Task ReloadPolicy_WithoutContent_RereadsTheFile()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        await File.WriteAllTextAsync(coordinator.PolicyPath, CoordinatorUnderTest.FastPolicy.Replace("interval: 200ms", "interval: 2s", StringComparison.Ordinal), Ct);

        var reply = await coordinator.Admin.ReloadPolicyAsync(new ReloadPolicyRequest(), cancellationToken: Ct);

        Assert.True(reply.Accepted);
        Assert.Contains("interval: 200ms -> 2s", reply.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidatePolicy_ReportsEveryError()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();

        var reply = await coordinator.Admin.ValidatePolicyAsync(new ValidatePolicyRequest { Content = "mode: fast\nmigrate:\n  max_per_round: 0\n", SourceName = "p.yaml" }, cancellationToken: Ct);

        Assert.False(reply.Valid);
        Assert.Equal(2, reply.Errors.Count);
    }

    [Fact]
    public async Task Pause_StopsAutomaticDecisions_AndMoveStillWorks()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        Assert.True((await coordinator.Admin.PauseAsync(new PauseRequest { Reason = "test" }, cancellationToken: Ct)).Paused);
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        await guest.SendAckedAsync(new AgentMessage { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.6, 0.0) });
        await ReportSeenAsync(coordinator);

        var move = await coordinator.Admin.MoveAsync(new MoveRequest { Pid = 4242, ToNode = 1 }, cancellationToken: Ct);
        var command = (await guest.NextAsync(m => m.PayloadCase == CoordinatorMessage.PayloadOneofCase.Migrate)).Migrate;

        Assert.Equal(MigrationTrigger.Move, move.Decision.Trigger);
        Assert.Equal(move.Decision.MigrationId, command.MigrationId);
        var status = await coordinator.Admin.GetStatusAsync(new StatusRequest(), cancellationToken: Ct);
        Assert.True(status.Paused);
        Assert.Equal(0u, status.LastRoundDecisions);
        Assert.Equal(("sqlite", true, ""), (status.Store.Kind, status.Store.Reachable, status.Store.Error));
        Assert.EndsWith("giantvm.db", status.Store.Location, StringComparison.Ordinal);
        var records = (await coordinator.Admin.ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct)).Records;
        Assert.All(records, r => Assert.Equal(MigrationTrigger.Move, r.Trigger));
    }

    [Fact]
    public async Task Move_ToAnUnknownNode_IsRefused()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        await coordinator.Admin.PauseAsync(new PauseRequest(), cancellationToken: Ct);
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        await guest.SendAckedAsync(new AgentMessage { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.01, 0.0) });
        await ReportSeenAsync(coordinator);

        var error = await Assert.ThrowsAsync<RpcException>(() => coordinator.Admin.MoveAsync(new MoveRequest { Pid = 4242, ToNode = 9 }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task Rebalance_DryRunWithWait_ReturnsDecisionsAndSendsNoCommand()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        await coordinator.Admin.PauseAsync(new PauseRequest(), cancellationToken: Ct);
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        await guest.SendAckedAsync(new AgentMessage { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.6, 0.0) });
        await ReportSeenAsync(coordinator);

        var reply = await coordinator.Admin.RebalanceAsync(new RebalanceRequest { DryRun = true, Wait = true, TimeoutSeconds = 5 }, cancellationToken: Ct);

        var decision = Assert.Single(reply.Decisions);
        Assert.True(decision.DryRun);
        Assert.False(reply.TimedOut);
        // the migration log (the store's read model) follows the journal within about a second
        await AgentServiceTests.WaitUntil(async () => (await coordinator.Admin.ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct)).Records.Count > 0);
        var records = (await coordinator.Admin.ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct)).Records;
        Assert.Equal(MigrationStatus.DryRun, Assert.Single(records).Status);
    }

    [Fact]
    public async Task WatchMigrations_StreamsRecordsAsTheyAreJournaled()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var watch = coordinator.Admin.WatchMigrations(new MigrationsQuery(), cancellationToken: Ct);
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());

        await guest.SendAckedAsync(new AgentMessage { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.6, 0.0) });
        await ReportSeenAsync(coordinator);

        Assert.True(await watch.ResponseStream.MoveNext(Ct));
        Assert.Equal(("decision", 4242), (watch.ResponseStream.Current.Kind, watch.ResponseStream.Current.Pid));
    }

    [Fact]
    public async Task Drain_OfANode_MarksItDrainedInNodes()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        await coordinator.Admin.PauseAsync(new PauseRequest(), cancellationToken: Ct);
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        await guest.SendAckedAsync(new AgentMessage { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.01, 0.0) });
        await ReportSeenAsync(coordinator);

        var reply = await coordinator.Admin.DrainAsync(new DrainRequest { NodeId = 1 }, cancellationToken: Ct);
        var nodes = (await coordinator.Admin.ListNodesAsync(new NodesRequest(), cancellationToken: Ct)).Nodes;

        Assert.Equal([1u], reply.DrainedNodes);
        Assert.Equal([false, true], nodes.Select(n => n.Drained));
        Assert.Empty((await coordinator.Admin.UndrainAsync(new UndrainRequest { NodeId = 1 }, cancellationToken: Ct)).DrainedNodes);
    }

    [Fact]
    public async Task Request_ForAnotherVm_IsNotFound()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => coordinator.Admin.GetStatusAsync(new StatusRequest { Vm = "other" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    /// <summary>Until the guest's report reached the rebalancer (an ack says only that it was received).</summary>
    private static Task ReportSeenAsync(CoordinatorUnderTest coordinator) =>
        AgentServiceTests.WaitUntil(async () => (await coordinator.Admin.ListNodesAsync(new NodesRequest(), cancellationToken: Ct)).Nodes.Count > 0);

    [Fact]
    public async Task Advise_PicksTheLowestStealNode()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        await coordinator.Admin.PauseAsync(new PauseRequest(), cancellationToken: Ct);
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        await guest.SendAckedAsync(new AgentMessage { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.3, 0.01) });
        // an ack says the report was received, not that the rebalancer (through the shard region) has it yet
        await AgentServiceTests.WaitUntil(async () => (await coordinator.Admin.ListNodesAsync(new NodesRequest(), cancellationToken: Ct)).Nodes.Count == 2);

        var advice = await coordinator.Admin.AdviseAsync(new AdviseRequest { CpuCores = 1, MemoryBytes = 1 << 20 }, cancellationToken: Ct);

        Assert.Equal(1u, advice.NodeId);
        Assert.Equal(2, advice.Scores.Count);
    }

    [Fact]
    public async Task Status_ListsConnectedAgentsAndThisMember()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        using var host = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.HostHello(1));

        var status = await coordinator.Admin.GetStatusAsync(new StatusRequest(), cancellationToken: Ct);

        Assert.Equal([AgentRole.Host, AgentRole.Guest], status.Agents.Select(a => a.Role)); // ordered by role, then node
        Assert.Equal(("fast", false), (status.Policy.Name, status.Paused));
        Assert.True(status.Recording);
        Assert.Single(status.Members, m => m.RunsRebalancer);
    }

    [Fact]
    public async Task Move_WithWait_ReturnsTheGuestsResult()
    {
        await using var coordinator = await CoordinatorUnderTest.StartAsync();
        await coordinator.Admin.PauseAsync(new PauseRequest(), cancellationToken: Ct);
        using var guest = await AgentStream.ConnectAsync(coordinator.Agents, AgentStream.GuestHello());
        await guest.SendAckedAsync(new AgentMessage { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.01, 0.0) });
        await ReportSeenAsync(coordinator);

        var move = coordinator.Admin.MoveAsync(new MoveRequest { Pid = 4242, ToNode = 1, Wait = true, TimeoutSeconds = 10 }, cancellationToken: Ct).ResponseAsync;
        var command = (await guest.NextAsync(m => m.PayloadCase == CoordinatorMessage.PayloadOneofCase.Migrate)).Migrate;
        await guest.SendAsync(new AgentMessage
        {
            MigrationResult = new MigrationResult { CommandId = command.CommandId, MigrationId = command.MigrationId, Pid = 4242, Status = MigrationStatus.Partial, PagesMoved = 10, PagesLeft = 3 },
        });
        var reply = await move;

        Assert.False(reply.TimedOut);
        Assert.Equal((MigrationStatus.Partial, 3ul, command.MigrationId), (reply.Result.Status, reply.Result.PagesLeft, reply.Result.MigrationId));
    }
}
