using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using GiantVm.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GiantVm.NodeAgent.Tests.Reporting;

/// <summary>
/// A real gRPC AgentService on 127.0.0.1 (h2c) that records what agents send, answers hello with
/// a HelloAck, acks every message, and lets a test push coordinator messages down the stream.
/// </summary>
internal sealed class FakeCoordinator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeCoordinator(WebApplication app, int port, State state)
    {
        _app = app;
        Port = port;
        Shared = state;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public State Shared { get; }

    public ConcurrentQueue<AgentMessage> Received => Shared.Received;

    public static async Task<FakeCoordinator> StartAsync(int port = 0, double intervalSeconds = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        // a stop aborts open streams at once, as a crashed coordinator would
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(100));
        var state = new State(intervalSeconds);
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        app.MapGrpcService<Service>();
        app.MapGrpcService<Admin>();
        await app.StartAsync();
        var bound = new Uri(app.Urls.First()).Port;
        return new FakeCoordinator(app, bound, state);
    }

    /// <summary>Sends a message to the agent on the current stream (waits for one).</summary>
    public async Task SendAsync(CoordinatorMessage message, CancellationToken ct)
    {
        var writer = await Shared.CurrentStream.Task.WaitAsync(ct);
        await writer.Writer.WriteAsync(message, ct);
    }

    public async Task WaitUntilAsync(Func<IReadOnlyList<AgentMessage>, bool> condition, CancellationToken ct, int seconds = 20)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        while (!condition(Received.ToArray()))
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class State(double intervalSeconds)
    {
        public ConcurrentQueue<AgentMessage> Received { get; } = new();

        public double IntervalSeconds { get; } = intervalSeconds;

        public ConcurrentQueue<AdviseRequest> AdviseRequests { get; } = new();

        /// <summary>When set, the fake acknowledges the hello but nothing after it, its connection still up (a member that hangs).</summary>
        public bool Mute { get; set; }

        public TaskCompletionSource<Channel<CoordinatorMessage>> CurrentStream { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>AdminService with only Advise: always node 0.</summary>
    private sealed class Admin(State state) : AdminService.AdminServiceBase
    {
        public override Task<AdviseReply> Advise(AdviseRequest request, ServerCallContext context)
        {
            state.AdviseRequests.Enqueue(request);
            return Task.FromResult(new AdviseReply { NodeId = 0, Reason = "fake: node 0" });
        }
    }

    private sealed class Service(State state) : AgentService.AgentServiceBase
    {
        public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<CoordinatorMessage> responseStream, ServerCallContext context)
        {
            var outbox = Channel.CreateUnbounded<CoordinatorMessage>();
            var pump = Task.Run(async () =>
            {
                await foreach (var m in outbox.Reader.ReadAllAsync(context.CancellationToken))
                {
                    await responseStream.WriteAsync(m, context.CancellationToken);
                }
            });
            try
            {
                while (await requestStream.MoveNext(context.CancellationToken))
                {
                    var message = requestStream.Current;
                    state.Received.Enqueue(message);
                    if (message.PayloadCase == AgentMessage.PayloadOneofCase.Hello)
                    {
                        outbox.Writer.TryWrite(new CoordinatorMessage { HelloAck = new HelloAck { SessionId = "s", Member = "fake", ProtocolVersion = 1, ReportIntervalSeconds = state.IntervalSeconds } });
                        state.CurrentStream.TrySetResult(outbox);
                    }
                    else if (!state.Mute)
                    {
                        outbox.Writer.TryWrite(new CoordinatorMessage { ReportAck = new ReportAck { Sequence = message.Sequence } });
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or RpcException)
            {
                // the agent went away or the server stops
            }
            finally
            {
                outbox.Writer.TryComplete();
                state.CurrentStream = new(TaskCreationOptions.RunContinuationsAsynchronously);
                try
                {
                    await pump;
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
                {
                }
            }
        }
    }
}
