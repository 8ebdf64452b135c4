using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace GiantVm.Testing;

/// <summary>
/// The real coordinator host in-process (real one-member Akka cluster), gRPC over TestServer.
/// Compiled into the test projects that reference the coordinator (GiantVm.Coordinator.Tests,
/// GiantVm.Ctl.Tests), linked from their csproj files.
/// </summary>
internal sealed class CoordinatorUnderTest : IAsyncDisposable
{
    /// <summary>Hot after one reading, rounds every 200 ms, long cooldown: one decision per hot task.</summary>
    public const string FastPolicy = """
        name: fast
        mode: balanced
        interval: 200ms
        command_timeout: 30s
        signal:
          ema_alpha: 1.0
          hot_after: 1
          cool_after: 1
          stale_after: 30s
        migrate:
          cooldown: 1h
          min_cpu_cores: 0
        """;

    private readonly WebApplication _app;
    private bool _stopped;

    private CoordinatorUnderTest(WebApplication app, string dataDir, string policyPath)
    {
        _app = app;
        DataDir = dataDir;
        PolicyPath = policyPath;
        Channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = CreateHandler() });
        Admin = new AdminService.AdminServiceClient(Channel);
        Agents = new AgentService.AgentServiceClient(Channel);
    }

    public string DataDir { get; }

    public string PolicyPath { get; }

    public GrpcChannel Channel { get; }

    public AdminService.AdminServiceClient Admin { get; }

    public AgentService.AgentServiceClient Agents { get; }

    /// <summary>A new handler that sends requests to this server in-process (for a client of one's own, e.g. giantvmctl's).</summary>
    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    public static async Task<CoordinatorUnderTest> StartAsync(string policyText = FastPolicy, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "giantvm-coord-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var policyPath = Path.Combine(dataDir, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, policyText, TestContext.Current.CancellationToken);
        var overrides = new Dictionary<string, string?>
        {
            ["Coordinator:Policy"] = policyPath,
            ["Coordinator:DataDir"] = dataDir,
            ["Coordinator:ConsoleLog"] = "false",
            ["Coordinator:WatchPolicyFile"] = "false",
            ["Coordinator:LogLevel"] = "Warning",
            // every actor message, local ones too, through its serializer: one without a binding fails here
            ["Coordinator:Akka:VerifyMessages"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var app = CoordinatorApp.Build(new CoordinatorLaunch(null, overrides), b => b.WebHost.UseTestServer());
        await app.StartAsync(TestContext.Current.CancellationToken);
        var coordinator = new CoordinatorUnderTest(app, dataDir, policyPath);
        await coordinator.WaitReadyAsync();
        return coordinator;
    }

    /// <summary>Makes <paramref name="vm"/> an instance of the coordinator, as its first agent's hello does.</summary>
    public Task AnnounceInstanceAsync(string vm = "giantvm") => AgentStream.AnnounceAsync(Agents, vm);

    /// <summary>Makes giantvm an instance and waits until its rebalancer runs and has recovered its log.</summary>
    private async Task WaitReadyAsync()
    {
        // A test that shortens the hello timeout (to seconds) can see this first hello cut under a
        // loaded machine (the client's write came late once with 0.5 s); a new stream tries again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AnnounceInstanceAsync();
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded && attempt < 3)
            {
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await Admin.GetStatusAsync(new StatusRequest(), cancellationToken: TestContext.Current.CancellationToken)).Recording)
        {
            Assert.True(DateTime.UtcNow < deadline, "the rebalancer did not recover its log within 30 s");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The host's services (e.g. to end the agent streams as a member leaving the cluster does).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Stops the host as SIGTERM does (the dispose then only disposes).</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_stopped)
        {
            await _app.StopAsync(CancellationToken.None);
        }

        await _app.DisposeAsync();
        var unsent = UnsentMessages(DataDir);
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // a log file still being closed: the temp folder is left behind
        }

        Assert.True(unsent.Count == 0, "messages failed their serializer (see AkkaSerialization):\n" + string.Join("\n", unsent));
    }

    /// <summary>
    /// The log lines of messages that could not go through their serializer: with
    /// <c>Coordinator:Akka:VerifyMessages</c> Akka drops such a message with this error, which a
    /// test might not notice otherwise.
    /// </summary>
    private static List<string> UnsentMessages(string dataDir)
    {
        var logs = Path.Combine(dataDir, "logs");
        return Directory.Exists(logs)
            ? [.. Directory.GetFiles(logs, "*.json").SelectMany(File.ReadLines).Where(l => l.Contains("Swallowing exception during message send", StringComparison.Ordinal))]
            : [];
    }
}
