using System.Collections.Concurrent;
using GiantVm.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace GiantVm.Testing;

/// <summary>
/// The guest agent of the tests that need one running beside a coordinator: it says hello with
/// its nodes, reports them and its BE tasks (once after each hello, then every
/// <c>reportEvery</c> if given), and answers every migrate command with <see cref="Answer"/>
/// (null: never answers); a task whose move it answered done is on the target node in later
/// reports. When its stream fails it reconnects to the next coordinator of its list, like the
/// real agent, with the real agent's HTTP/2 keepalive (<see cref="HotNodeZero"/>). A stream driven message by message is <see cref="AgentStream"/>.
/// </summary>
internal sealed class FakeGuestAgent : IAsyncDisposable
{
    private readonly IReadOnlyList<AgentService.AgentServiceClient> _coordinators;
    private readonly IReadOnlyList<GuestNodeSample> _nodes;
    private readonly ConcurrentDictionary<int, BeTask> _tasks;
    private readonly TimeSpan? _reportEvery;
    private readonly List<GrpcChannel> _channels = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstHelloAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private int _connects;

    private FakeGuestAgent(IReadOnlyList<AgentService.AgentServiceClient> coordinators, IReadOnlyList<GuestNodeSample> nodes, IEnumerable<BeTask> tasks, TimeSpan? reportEvery)
    {
        _coordinators = coordinators;
        _nodes = nodes;
        _tasks = new ConcurrentDictionary<int, BeTask>(tasks.Select(t => KeyValuePair.Create(t.Pid, t)));
        _reportEvery = reportEvery;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>How migrate commands are answered; null: not at all.</summary>
    public MigrationStatus? Answer { get; set; } = MigrationStatus.Done;

    /// <summary>Every migrate command received, in order, with the member (from HelloAck) it came through.</summary>
    public ConcurrentQueue<(MigrateCommand Command, string Member)> Commands { get; } = new();

    /// <summary>The member of the current stream, empty between streams.</summary>
    public string ConnectedMember { get; private set; } = "";

    /// <summary>Number of streams whose hello was acknowledged.</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>
    /// A two-node guest (node 0 CPUs 0-1 at <paramref name="steal0"/>, node 1 CPUs 2-3 at
    /// <paramref name="steal1"/>, 8 GiB each with 4 and 6 GiB free) with one BE task, 4242
    /// <c>stress</c> on node 0; returns once the coordinator acknowledged the hello and has its
    /// first report. It does not report again.
    /// </summary>
    public static async Task<FakeGuestAgent> ConnectAsync(AgentService.AgentServiceClient coordinator, double steal0 = 0.0, double steal1 = 0.0)
    {
        var guest = new FakeGuestAgent(
            [coordinator],
            [
                new GuestNodeSample { NodeId = 0, Cpus = "0-1", StealRatio = steal0, BusyRatio = 0.5, MemTotalBytes = 8L << 30, MemFreeBytes = 4L << 30 },
                new GuestNodeSample { NodeId = 1, Cpus = "2-3", StealRatio = steal1, BusyRatio = 0.1, MemTotalBytes = 8L << 30, MemFreeBytes = 6L << 30 },
            ],
            [new BeTask { Pid = 4242, StartTimeTicks = 99, Comm = "stress", NodeId = 0, RssBytes = 1 << 20, CpuCores = 1 }],
            reportEvery: null);
        await guest._firstHelloAck.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return guest;
    }

    /// <summary>
    /// A three-node guest, node 0 hot (steal 0.6) and nodes 1 and 2 quiet, with
    /// <paramref name="tasks"/> BE tasks (pids from 1000) on node 0, reporting every 300 ms to
    /// the first of <paramref name="addresses"/> that answers.
    /// </summary>
    public static FakeGuestAgent HotNodeZero(IReadOnlyList<string> addresses, int tasks)
    {
        // The real agent's keepalive (Agent:KeepAlivePingDelay/Timeout defaults): a frozen member,
        // whose socket stays open, is given up within about 10 s.
        var channels = addresses.Select(a => GrpcChannel.ForAddress(a, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                KeepAlivePingDelay = TimeSpan.FromSeconds(5),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            },
        })).ToList();
        var guest = new FakeGuestAgent(
            channels.Select(c => new AgentService.AgentServiceClient(c)).ToList(),
            [
                new GuestNodeSample { NodeId = 0, Cpus = "0-1", StealRatio = 0.6, BusyRatio = 0.9, MemTotalBytes = 8L << 30, MemFreeBytes = 4L << 30 },
                new GuestNodeSample { NodeId = 1, Cpus = "2-3", StealRatio = 0.02, BusyRatio = 0.1, MemTotalBytes = 8L << 30, MemFreeBytes = 6L << 30 },
                new GuestNodeSample { NodeId = 2, Cpus = "4-5", StealRatio = 0.0, BusyRatio = 0.1, MemTotalBytes = 8L << 30, MemFreeBytes = 6L << 30 },
            ],
            Enumerable.Range(1000, tasks).Select(pid => new BeTask { Pid = pid, StartTimeTicks = 99, Comm = "stress", NodeId = 0, RssBytes = 1 << 20, CpuCores = 0.5 }),
            TimeSpan.FromMilliseconds(300));
        guest._channels.AddRange(channels);
        return guest;
    }

    public int TasksOn(int node) => _tasks.Values.Count(t => t.NodeId == (uint)node);

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

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        for (var index = 0; !_stop.IsCancellationRequested; index++)
        {
            try
            {
                await SessionAsync(_coordinators[index % _coordinators.Count]);
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException or InvalidOperationException || (e is OperationCanceledException && !_stop.IsCancellationRequested))
            {
                // the member went away: next address
            }

            ConnectedMember = "";
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

    private async Task SessionAsync(AgentService.AgentServiceClient coordinator)
    {
        using var call = coordinator.Connect(cancellationToken: _stop.Token);
        var session = new Session(call, _stop.Token);
        await session.SendAsync(new AgentMessage { Hello = Hello() });
        using (var helloWait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            helloWait.CancelAfter(TimeSpan.FromSeconds(30));
            if (!await call.ResponseStream.MoveNext(helloWait.Token) || call.ResponseStream.Current.PayloadCase != CoordinatorMessage.PayloadOneofCase.HelloAck)
            {
                throw new InvalidOperationException("no hello_ack");
            }
        }

        var member = call.ResponseStream.Current.HelloAck.Member;
        await session.SendAsync(new AgentMessage { GuestReport = Report() });
        ConnectedMember = member;
        Interlocked.Increment(ref _connects);
        _firstHelloAck.TrySetResult();
        using var reporting = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var reports = _reportEvery is { } every
            ? Task.Run(async () =>
            {
                while (!reporting.IsCancellationRequested)
                {
                    await Task.Delay(every, reporting.Token);
                    await session.SendAsync(new AgentMessage { GuestReport = Report() });
                }
            }, reporting.Token)
            : Task.CompletedTask;
        try
        {
            while (await call.ResponseStream.MoveNext(_stop.Token))
            {
                if (call.ResponseStream.Current.PayloadCase == CoordinatorMessage.PayloadOneofCase.Migrate)
                {
                    await AnswerAsync(session, call.ResponseStream.Current.Migrate, member);
                }
            }
        }
        finally
        {
            await reporting.CancelAsync();
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

    private async Task AnswerAsync(Session session, MigrateCommand command, string member)
    {
        Commands.Enqueue((command, member));
        if (Answer is not { } status)
        {
            return;
        }

        if (status == MigrationStatus.Done && _tasks.TryGetValue(command.Pid, out var task))
        {
            var moved = task.Clone();
            moved.NodeId = command.ToNode;
            _tasks[command.Pid] = moved;
        }

        await session.SendAsync(new AgentMessage
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

    private Hello Hello()
    {
        var topology = new Topology();
        topology.Nodes.AddRange(_nodes.Select(n => new NodeTopology { NodeId = n.NodeId, Cpus = n.Cpus }));
        return new Hello { Role = AgentRole.Guest, Vm = "giantvm", ProtocolVersion = 1, AgentVersion = "fake-1", Hostname = "guest", Topology = topology };
    }

    private GuestReport Report()
    {
        var report = new GuestReport
        {
            Vm = "giantvm",
            SampleTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            IntervalSeconds = _reportEvery?.TotalSeconds ?? 1,
        };
        report.Nodes.AddRange(_nodes.Select(n => n.Clone()));
        report.Tasks.AddRange(_tasks.Values.OrderBy(t => t.Pid).Select(t => t.Clone()));
        return report;
    }

    /// <summary>One stream's writer: sequence numbers and one write at a time.</summary>
    private sealed class Session(AsyncDuplexStreamingCall<AgentMessage, CoordinatorMessage> call, CancellationToken stop)
    {
        private readonly SemaphoreSlim _writeGate = new(1, 1);
        private ulong _sequence;

        public async Task SendAsync(AgentMessage message)
        {
            await _writeGate.WaitAsync(stop);
            try
            {
                message.Sequence = ++_sequence;
                await call.RequestStream.WriteAsync(message, stop);
            }
            finally
            {
                _writeGate.Release();
            }
        }
    }
}
