using GiantVm.Contracts.V1;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Tests.Live;

/// <summary>
/// The real coordinator host in-process (<see cref="CoordinatorUnderTest"/>) as giantvmctl sees it:
/// giantvmctl reaches it through <see cref="Connector"/> (any address but a refused one maps to it).
/// </summary>
internal sealed class LiveCoordinator : IAsyncDisposable
{
    /// <summary>Hot after one reading, rounds every 200 ms, long cooldown.</summary>
    public const string Policy = CoordinatorUnderTest.FastPolicy;

    /// <summary>An address nothing listens on: giantvmctl really connects there and is refused.</summary>
    public const string Refused = "http://127.0.0.1:1";

    private readonly CoordinatorUnderTest _coordinator;

    private LiveCoordinator(CoordinatorUnderTest coordinator) => _coordinator = coordinator;

    public string PolicyPath => _coordinator.PolicyPath;

    public AgentService.AgentServiceClient Agents => _coordinator.Agents;

    public static async Task<LiveCoordinator> StartAsync() => new(await CoordinatorUnderTest.StartAsync());

    /// <summary>How giantvmctl reaches this coordinator: <see cref="Refused"/> really fails, every other address is this server.</summary>
    public CoordinatorConnector Connector(Func<string, string?>? environment = null, CancellationToken stop = default) =>
        new(uri => uri.Port == 1 ? new SocketsHttpHandler() : _coordinator.CreateHandler(),
            environment ?? (_ => null),
            stop);

    /// <summary>Runs giantvmctl against this coordinator (off the test thread).</summary>
    public Task<CtlRun> RunAsync(params string[] args) => Task.Run(() => LiveRun.With(Connector(), args));

    public ValueTask DisposeAsync() => _coordinator.DisposeAsync();
}
