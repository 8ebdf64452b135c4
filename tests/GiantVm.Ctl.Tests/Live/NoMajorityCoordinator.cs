using GiantVm.Contracts.V1;
using GiantVm.Ctl.Live;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GiantVm.Ctl.Tests.Live;

/// <summary>
/// An AdminService that answers the way the coordinator does without a majority of its members:
/// a change is refused with UNAVAILABLE and the reason as the status detail (AdminService).
/// In-process (TestServer); giantvmctl reaches it through <see cref="Connector"/>.
/// </summary>
internal sealed class NoMajorityCoordinator : IAsyncDisposable
{
    /// <summary>The detail the rebalancer gives when it cannot reach a majority (RebalancerActor.PauseAsync).</summary>
    public const string PauseDetail = "pause not recorded: fewer than 2 of 3 members reachable";

    private readonly WebApplication _app;

    private NoMajorityCoordinator(WebApplication app) => _app = app;

    public static async Task<NoMajorityCoordinator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<Admin>();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new NoMajorityCoordinator(app);
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
