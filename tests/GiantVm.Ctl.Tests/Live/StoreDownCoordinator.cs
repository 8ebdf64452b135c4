using GiantVm.Contracts.V1;
using GiantVm.Ctl.Live;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GiantVm.Ctl.Tests.Live;

/// <summary>
/// An AdminService that answers the way the coordinator does when its store does not persist:
/// a change is refused with UNAVAILABLE and the reason as the status detail (AdminService).
/// In-process (TestServer); giantvmctl reaches it through <see cref="Connector"/>.
/// </summary>
internal sealed class StoreDownCoordinator : IAsyncDisposable
{
    /// <summary>The detail the rebalancer gives when the store does not persist (RebalancerActor.PauseAsync).</summary>
    public const string PauseDetail = "pause not recorded: store: Failed to connect to 127.0.0.1:5432";

    private readonly WebApplication _app;

    private StoreDownCoordinator(WebApplication app) => _app = app;

    public static async Task<StoreDownCoordinator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<Admin>();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new StoreDownCoordinator(app);
    }

    /// <summary><see cref="LiveCoordinator.Refused"/> really fails, every other address is this server.</summary>
    public CoordinatorConnector Connector() =>
        new(uri => uri.Port == 1 ? new SocketsHttpHandler() : _app.GetTestServer().CreateHandler(), _ => null);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private sealed class Admin : AdminService.AdminServiceBase
    {
        public override Task<PauseReply> Pause(PauseRequest request, ServerCallContext context) =>
            throw new RpcException(new Status(StatusCode.Unavailable, PauseDetail));
    }
}
