using GiantVm.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GiantVm.Ctl.Tests.Live;

/// <summary>
/// A guest agent on one AgentService stream: says hello with two nodes, sends reports, and
/// answers every MigrateCommand with <see cref="Answer"/> (null: never answers).
/// </summary>
internal sealed class FakeGuest : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<AgentMessage, CoordinatorMessage> _call;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _helloAcked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private ulong _sequence;

    private FakeGuest(AgentService.AgentServiceClient client)
    {
        _call = client.Connect(cancellationToken: _stop.Token);
        _reader = Task.Run(ReadAsync);
    }

    public MigrationStatus? Answer { get; set; } = MigrationStatus.Done;

    public List<MigrateCommand> Commands { get; } = [];

    /// <summary>Connects, says hello, waits for HelloAck and sends a first report.</summary>
    public static async Task<FakeGuest> ConnectAsync(AgentService.AgentServiceClient client, double steal0 = 0.0, double steal1 = 0.0)
    {
        var guest = new FakeGuest(client);
        await guest.SendAsync(new AgentMessage
        {
            Hello = new Hello
            {
                Role = AgentRole.Guest,
                Vm = "giantvm",
                ProtocolVersion = 1,
                AgentVersion = "fake-1",
                Hostname = "guest",
                Topology = new Topology { Nodes = { new NodeTopology { NodeId = 0, Cpus = "0-1" }, new NodeTopology { NodeId = 1, Cpus = "2-3" } } },
            },
        });
        await guest._helloAcked.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        await guest.ReportAsync(steal0, steal1);
        return guest;
    }

    /// <summary>A guest report: node 0 and 1 with these steal ratios; task 4242 "stress" on node 0.</summary>
    public Task ReportAsync(double steal0, double steal1) => SendAsync(new AgentMessage
    {
        GuestReport = new GuestReport
        {
            Vm = "giantvm",
            SampleTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            IntervalSeconds = 1,
            Nodes =
            {
                new GuestNodeSample { NodeId = 0, Cpus = "0-1", StealRatio = steal0, BusyRatio = 0.5, MemTotalBytes = 8L << 30, MemFreeBytes = 4L << 30 },
                new GuestNodeSample { NodeId = 1, Cpus = "2-3", StealRatio = steal1, BusyRatio = 0.1, MemTotalBytes = 8L << 30, MemFreeBytes = 6L << 30 },
            },
            Tasks = { new BeTask { Pid = 4242, StartTimeTicks = 99, Comm = "stress", NodeId = 0, RssBytes = 1 << 20, CpuCores = 1 } },
        },
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reader;
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
            // the stream ended with the test
        }

        _call.Dispose();
        _stop.Dispose();
        _writeGate.Dispose();
    }

    private async Task SendAsync(AgentMessage message)
    {
        await _writeGate.WaitAsync(_stop.Token);
        try
        {
            message.Sequence = ++_sequence;
            await _call.RequestStream.WriteAsync(message, _stop.Token);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task ReadAsync()
    {
        await foreach (var message in _call.ResponseStream.ReadAllAsync(_stop.Token))
        {
            switch (message.PayloadCase)
            {
                case CoordinatorMessage.PayloadOneofCase.HelloAck:
                    _helloAcked.TrySetResult();
                    break;
                case CoordinatorMessage.PayloadOneofCase.Migrate:
                    var command = message.Migrate;
                    lock (Commands)
                    {
                        Commands.Add(command);
                    }

                    if (Answer is { } status)
                    {
                        await SendAsync(new AgentMessage
                        {
                            MigrationResult = new MigrationResult
                            {
                                CommandId = command.CommandId,
                                MigrationId = command.MigrationId,
                                Vm = "giantvm",
                                Pid = command.Pid,
                                Status = status,
                                PagesMoved = status == MigrationStatus.Done ? 256u : 0u,
                                DurationMs = 12,
                                Error = status == MigrationStatus.Failed ? "migratepages: Operation not permitted" : "",
                                FinishedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                            },
                        });
                    }

                    break;
            }
        }
    }
}
