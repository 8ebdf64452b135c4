using System.Collections.Concurrent;
using GiantVm.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace GiantVm.Coordinator.Tests.Hosting;

/// <summary>
/// A guest agent in the test process: reports a three-node guest (node 0 hot, nodes 1 and 2
/// quiet) with BE tasks, every 300 ms; executes each migrate command at once (the task moves
/// in the next report) and answers it done. When its stream fails it reconnects to the next
/// address of its list, like the real agent.
/// </summary>
internal sealed class ScriptedGuestAgent : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _addresses;
    private readonly ConcurrentDictionary<int, int> _placement = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connects;

    public ScriptedGuestAgent(IReadOnlyList<string> addresses, int tasks)
    {
        _addresses = addresses;
        for (var pid = 1000; pid < 1000 + tasks; pid++)
        {
            _placement[pid] = 0;
        }

        _loop = RunAsync();
    }

    /// <summary>Every migrate command received, in order, with the member it came through.</summary>
    public ConcurrentQueue<(MigrateCommand Command, string Member)> Commands { get; } = new();

    /// <summary>The member of the current stream (from HelloAck), empty between streams.</summary>
    public string ConnectedMember { get; private set; } = "";

    /// <summary>Number of successful connections (hello acknowledged).</summary>
    public int Connects => Volatile.Read(ref _connects);

    public int TasksOn(int node) => _placement.Count(p => p.Value == node);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var index = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await SessionAsync(_addresses[index % _addresses.Count]);
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException or InvalidOperationException || (e is OperationCanceledException && !_stop.IsCancellationRequested))
            {
                // the member went away: next address
            }

            ConnectedMember = "";
            index++;
            try
            {
                await Task.Delay(200, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SessionAsync(string address)
    {
        using var channel = GrpcChannel.ForAddress(address);
        using var call = new AgentService.AgentServiceClient(channel).Connect(cancellationToken: _stop.Token);
        ulong sequence = 0;
        var writeGate = new SemaphoreSlim(1, 1);
        async Task Send(AgentMessage message)
        {
            await writeGate.WaitAsync(_stop.Token);
            try
            {
                message.Sequence = ++sequence;
                await call.RequestStream.WriteAsync(message, _stop.Token);
            }
            finally
            {
                writeGate.Release();
            }
        }

        await Send(new AgentMessage { Hello = Hello() });
        using var helloWait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        helloWait.CancelAfter(TimeSpan.FromSeconds(10));
        if (!await call.ResponseStream.MoveNext(helloWait.Token) || call.ResponseStream.Current.PayloadCase != CoordinatorMessage.PayloadOneofCase.HelloAck)
        {
            throw new InvalidOperationException("no hello_ack");
        }

        var member = call.ResponseStream.Current.HelloAck.Member;
        ConnectedMember = member;
        Interlocked.Increment(ref _connects);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var reports = Task.Run(async () =>
        {
            while (!session.IsCancellationRequested)
            {
                await Send(new AgentMessage { GuestReport = Report() });
                await Task.Delay(300, session.Token);
            }
        }, session.Token);
        try
        {
            while (await call.ResponseStream.MoveNext(_stop.Token))
            {
                if (call.ResponseStream.Current.PayloadCase != CoordinatorMessage.PayloadOneofCase.Migrate)
                {
                    continue;
                }

                var command = call.ResponseStream.Current.Migrate;
                Commands.Enqueue((command, member));
                _placement[command.Pid] = (int)command.ToNode;
                await Send(new AgentMessage
                {
                    MigrationResult = new MigrationResult
                    {
                        CommandId = command.CommandId,
                        MigrationId = command.MigrationId,
                        Vm = "giantvm",
                        Pid = command.Pid,
                        Status = MigrationStatus.Done,
                        PagesMoved = 256,
                        DurationMs = 5,
                        FinishedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                    },
                });
            }
        }
        finally
        {
            await session.CancelAsync();
            try
            {
                await reports;
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException or InvalidOperationException or IOException)
            {
                // the stream ended under the report loop
            }
        }
    }

    private static Hello Hello() => new()
    {
        Role = AgentRole.Guest,
        Vm = "giantvm",
        ProtocolVersion = 1,
        AgentVersion = "test",
        Hostname = "guest",
        Topology = new Topology
        {
            Nodes =
            {
                new NodeTopology { NodeId = 0, Cpus = "0-1" },
                new NodeTopology { NodeId = 1, Cpus = "2-3" },
                new NodeTopology { NodeId = 2, Cpus = "4-5" },
            },
        },
    };

    private GuestReport Report()
    {
        var report = new GuestReport
        {
            Vm = "giantvm",
            SampleTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            IntervalSeconds = 0.3,
            Nodes =
            {
                new GuestNodeSample { NodeId = 0, Cpus = "0-1", StealRatio = 0.6, BusyRatio = 0.9, MemTotalBytes = 8L << 30, MemFreeBytes = 4L << 30 },
                new GuestNodeSample { NodeId = 1, Cpus = "2-3", StealRatio = 0.02, BusyRatio = 0.1, MemTotalBytes = 8L << 30, MemFreeBytes = 6L << 30 },
                new GuestNodeSample { NodeId = 2, Cpus = "4-5", StealRatio = 0.0, BusyRatio = 0.1, MemTotalBytes = 8L << 30, MemFreeBytes = 6L << 30 },
            },
        };
        foreach (var (pid, node) in _placement.OrderBy(p => p.Key))
        {
            report.Tasks.Add(new BeTask { Pid = pid, StartTimeTicks = 99, Comm = "stress", NodeId = (uint)node, RssBytes = 1 << 20, CpuCores = 0.5 });
        }

        return report;
    }
}
