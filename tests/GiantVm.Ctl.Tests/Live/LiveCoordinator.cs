using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Hosting;
using GiantVm.Ctl.Live;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace GiantVm.Ctl.Tests.Live;

/// <summary>
/// The real coordinator host in-process (a real one-member Akka cluster) behind a TestServer;
/// giantvmctl reaches it through <see cref="Connector"/> (any address but a refused one maps to it).
/// </summary>
internal sealed class LiveCoordinator : IAsyncDisposable
{
    /// <summary>Hot after one reading, rounds every 200 ms, long cooldown.</summary>
    public const string Policy = """
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

    /// <summary>An address nothing listens on: giantvmctl really connects there and is refused.</summary>
    public const string Refused = "http://127.0.0.1:1";

    private readonly WebApplication _app;

    private LiveCoordinator(WebApplication app, string dataDir, string policyPath)
    {
        _app = app;
        DataDir = dataDir;
        PolicyPath = policyPath;
        Channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler() });
        Agents = new AgentService.AgentServiceClient(Channel);
    }

    public string DataDir { get; }

    public string PolicyPath { get; }

    public GrpcChannel Channel { get; }

    public AgentService.AgentServiceClient Agents { get; }

    public static async Task<LiveCoordinator> StartAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "giantvmctl-live-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var policyPath = Path.Combine(dataDir, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, Policy, TestContext.Current.CancellationToken);
        var settings = new Dictionary<string, string?>
        {
            ["Coordinator:Policy"] = policyPath,
            ["Coordinator:DataDir"] = dataDir,
            ["Coordinator:ConsoleLog"] = "false",
            ["Coordinator:WatchPolicyFile"] = "false",
            ["Coordinator:LogLevel"] = "Warning",
        };
        var app = CoordinatorApp.Build(new CoordinatorLaunch(null, settings), b => b.WebHost.UseTestServer());
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new LiveCoordinator(app, dataDir, policyPath);
    }

    /// <summary>How giantvmctl reaches this coordinator: <see cref="Refused"/> really fails, every other address is this server.</summary>
    public CoordinatorConnector Connector(Func<string, string?>? environment = null, CancellationToken stop = default) =>
        new(uri => uri.Port == 1 ? new SocketsHttpHandler() : _app.GetTestServer().CreateHandler(),
            environment ?? (_ => null),
            stop);

    /// <summary>Runs giantvmctl against this coordinator (off the test thread).</summary>
    public Task<CtlRun> RunAsync(params string[] args) => Task.Run(() => LiveRun.With(Connector(), args));

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // a file still being closed: the temp folder is left behind
        }
    }
}
