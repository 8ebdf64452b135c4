using GiantVm.Contracts.V1;
using GiantVm.Testing;
using GiantVm.Coordinator.Tests.Agents;
using GiantVm.Coordinator.Tests.Service;
using GiantVm.Scheduling.Journal;
using Grpc.Core;
using Grpc.Net.Client;

namespace GiantVm.Coordinator.Tests.Hosting;

[Trait("Category", "e2e")]
[Collection(RealProcesses.Name)]
public sealed class CoordinatorProcessTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "giantvm-process-" + Guid.NewGuid().ToString("N"));

    public CoordinatorProcessTests() => Directory.CreateDirectory(_folder);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string PolicyFile(string text = CoordinatorUnderTest.FastPolicy)
    {
        var path = Path.Combine(_folder, "policy.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Crash_RightAfterTheDecisionIsPersisted_LeavesItInTheStore_AndNoCommandWasSent()
    {
        var dataDir = Path.Combine(_folder, "data");
        using var coordinator = CoordinatorProcess.Start(
            ["--policy", PolicyFile(), "--data-dir", dataDir],
            new Dictionary<string, string> { [GiantVm.Coordinator.Hosting.FaultInjection.CrashAfterDecisionPersisted] = "1" });
        await coordinator.WaitHealthyAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{coordinator.GrpcPort}");
        using var guest = await AgentStream.ConnectAsync(new AgentService.AgentServiceClient(channel), AgentStream.GuestHello());

        await guest.SendAsync(new AgentMessage { GuestReport = AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.6, 0.0) });
        var commands = 0;
        var ended = await Assert.ThrowsAnyAsync<Exception>(() => guest.NextAsync(m =>
        {
            commands += m.PayloadCase == CoordinatorMessage.PayloadOneofCase.Migrate ? 1 : 0;
            return false;
        }));
        var exitCode = await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(ended is RpcException or InvalidOperationException, ended.ToString());
        Assert.Equal(137, exitCode); // SIGKILL
        Assert.Equal(0, commands);

        // Restarted on the same data folder (its SQLite store): the decision is there, once, and
        // the rebalancer knows its command is pending (no command was ever sent for it).
        using var restarted = CoordinatorProcess.Start(["--policy", PolicyFile(), "--data-dir", dataDir], new Dictionary<string, string>());
        await restarted.WaitHealthyAsync();
        using var again = GrpcChannel.ForAddress($"http://127.0.0.1:{restarted.GrpcPort}");
        var admin = new AdminService.AdminServiceClient(again);
        await AgentServiceTests.WaitUntil(async () => (await admin.ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct)).Records.Count > 0);
        var records = (await admin.ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct)).Records;
        var decision = Assert.Single(records, r => r.Kind == JournalKinds.Decision);
        Assert.Equal(4242, decision.Pid);
        Assert.NotEmpty(decision.CommandId);
        Assert.All(records, r => Assert.Equal(decision.MigrationId, r.MigrationId));
    }

    [Fact]
    public async Task Sighup_RereadsThePolicyFile()
    {
        var policy = PolicyFile();
        using var coordinator = CoordinatorProcess.Start(["--policy", policy, "--data-dir", Path.Combine(_folder, "data")],
            new Dictionary<string, string> { ["GIANTVM_Coordinator__WatchPolicyFile"] = "false" });
        await coordinator.WaitHealthyAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{coordinator.GrpcPort}");
        var admin = new AdminService.AdminServiceClient(channel);
        await AgentStream.AnnounceAsync(new AgentService.AgentServiceClient(channel));
        await File.WriteAllTextAsync(policy, CoordinatorUnderTest.FastPolicy.Replace("name: fast", "name: after-hup", StringComparison.Ordinal), Ct);

        using (var kill = System.Diagnostics.Process.Start("kill", ["-HUP", coordinator.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        await AgentServiceTests.WaitUntil(async () => (await admin.GetPolicyAsync(new GetPolicyRequest(), cancellationToken: Ct)).Info.Name == "after-hup");
        Assert.Equal(2u, (await admin.GetPolicyAsync(new GetPolicyRequest(), cancellationToken: Ct)).Info.Version);
        Assert.False(coordinator.Process.HasExited);
    }

    // Issue 16: one ValidatePolicy with 100,000 '[' used to overflow the stack and end the process.
    [Fact]
    public async Task DeeplyNestedPolicy_IsRefusedOnEveryPath_AndTheCoordinatorKeepsAnswering()
    {
        var policy = PolicyFile();
        using var coordinator = CoordinatorProcess.Start(["--policy", policy, "--data-dir", Path.Combine(_folder, "data")]);
        await coordinator.WaitHealthyAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{coordinator.GrpcPort}");
        var admin = new AdminService.AdminServiceClient(channel);
        await AgentStream.AnnounceAsync(new AgentService.AgentServiceClient(channel));
        string Flow(char open, int count) => "name: x\nmode: " + new string(open, count) + "\n";

        foreach (var open in "[{")
        {
            var big = await Assert.ThrowsAsync<RpcException>(async () =>
                await admin.ValidatePolicyAsync(new ValidatePolicyRequest { Content = Flow(open, 100_000), SourceName = "deep.yaml" }, cancellationToken: Ct));
            Assert.Equal((StatusCode.InvalidArgument, "deep.yaml: is 100,015 bytes, over the 64 KiB limit"), (big.StatusCode, big.Status.Detail));

            var deep = await Assert.ThrowsAsync<RpcException>(async () =>
                await admin.ValidatePolicyAsync(new ValidatePolicyRequest { Content = Flow(open, 60_000), SourceName = "deep.yaml" }, cancellationToken: Ct));
            Assert.Equal((StatusCode.InvalidArgument, "deep.yaml:2: nesting deeper than 16 levels"), (deep.StatusCode, deep.Status.Detail));

            var reload = await Assert.ThrowsAsync<RpcException>(async () =>
                await admin.ReloadPolicyAsync(new ReloadPolicyRequest { Content = Flow(open, 60_000), SourceName = "deep.yaml" }, cancellationToken: Ct));
            Assert.Equal((StatusCode.InvalidArgument, "deep.yaml:2: nesting deeper than 16 levels"), (reload.StatusCode, reload.Status.Detail));
        }

        // the watched policy file and SIGHUP read the same way: refused, the policy in force stays
        await File.WriteAllTextAsync(policy, Flow('[', 100_000), Ct);
        await AgentServiceTests.WaitUntil(() => Task.FromResult(coordinator.Output.Contains("over the 64 KiB limit", StringComparison.Ordinal)));

        var status = await admin.GetStatusAsync(new StatusRequest(), cancellationToken: Ct);
        var inForce = await admin.GetPolicyAsync(new GetPolicyRequest(), cancellationToken: Ct);
        Assert.NotNull(status);
        Assert.Equal(("fast", 1u), (inForce.Info.Name, inForce.Info.Version));
        Assert.False(coordinator.Process.HasExited);
    }

    [Fact]
    public async Task DeeplyNestedPolicyAtStart_ExitsWithUsageError_InOneLine()
    {
        var policy = PolicyFile("name: x\nmode: " + new string('[', 60_000) + "\n");
        using var coordinator = CoordinatorProcess.Start(["--policy", policy, "--data-dir", Path.Combine(_folder, "data")]);

        var exitCode = await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        Assert.Contains($"{policy}:2: nesting deeper than 16 levels", coordinator.Output, StringComparison.Ordinal);
        Assert.True(coordinator.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length < 10, coordinator.Output);
    }

    [Fact]
    public async Task PolicyFileChange_IsPickedUp_AndAnInvalidEditIsRejected()
    {
        var policy = PolicyFile();
        using var coordinator = CoordinatorProcess.Start(["--policy", policy, "--data-dir", Path.Combine(_folder, "data")]);
        await coordinator.WaitHealthyAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{coordinator.GrpcPort}");
        var admin = new AdminService.AdminServiceClient(channel);
        await AgentStream.AnnounceAsync(new AgentService.AgentServiceClient(channel));

        await File.WriteAllTextAsync(policy, "migrate:\n  max_per_round: 0\n", Ct);
        await AgentServiceTests.WaitUntil(() => Task.FromResult(coordinator.Output.Contains("rejected", StringComparison.Ordinal)));
        Assert.Equal(1u, (await admin.GetPolicyAsync(new GetPolicyRequest(), cancellationToken: Ct)).Info.Version);

        await File.WriteAllTextAsync(policy, CoordinatorUnderTest.FastPolicy.Replace("name: fast", "name: edited", StringComparison.Ordinal), Ct);
        await AgentServiceTests.WaitUntil(async () => (await admin.GetPolicyAsync(new GetPolicyRequest(), cancellationToken: Ct)).Info.Name == "edited");
    }

    [Fact]
    public async Task Metrics_AreServedOverHttp1_WithTheGiantvmPrefix()
    {
        using var coordinator = CoordinatorProcess.Start(["--policy", PolicyFile(), "--data-dir", Path.Combine(_folder, "data")]);
        await coordinator.WaitHealthyAsync();
        using var http = new HttpClient();

        var metrics = await http.GetStringAsync($"http://127.0.0.1:{coordinator.MetricsPort}/metrics", Ct);

        Assert.Contains("# TYPE giantvm_agent_reports_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("giantvm_decision_round_duration_seconds_bucket", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonLoopbackAddress_WithoutInsecure_IsRefusedWithExitCode2()
    {
        using var coordinator = CoordinatorProcess.Start(["--policy", "demo", "--data-dir", Path.Combine(_folder, "data"), "--urls", "http://0.0.0.0:5999"], withPorts: false);

        Assert.Equal(2, await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("refusing to listen on http://0.0.0.0:5999", coordinator.Output, StringComparison.Ordinal);
        Assert.Contains("--insecure", coordinator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadPolicyFile_PrintsEveryErrorLine_AndExits2()
    {
        var policy = PolicyFile("mode: bogus\nmigrate:\n  max_per_round: 0\n");
        using var coordinator = CoordinatorProcess.Start(["--policy", policy, "--data-dir", Path.Combine(_folder, "data")]);

        Assert.Equal(2, await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("policy.yaml:1: mode", coordinator.Output, StringComparison.Ordinal);
        Assert.Contains("policy.yaml:3: migrate.max_per_round", coordinator.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", coordinator.Output, StringComparison.Ordinal);
    }
}
