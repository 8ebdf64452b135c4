using GiantVm.Contracts.V1;
using Grpc.Core;

namespace GiantVm.Testing;

/// <summary>
/// One raw AgentService.Connect stream that a test drives message by message (a host's or the
/// guest's hello, reports, results), for tests of the protocol itself: sequence numbers, acks,
/// error statuses. A guest that answers commands by itself is <see cref="FakeGuestAgent"/>.
/// </summary>
internal sealed class AgentStream : IDisposable
{
    private readonly AsyncDuplexStreamingCall<AgentMessage, CoordinatorMessage> _call;
    private ulong _sequence;

    private AgentStream(AsyncDuplexStreamingCall<AgentMessage, CoordinatorMessage> call) => _call = call;

    public static AgentStream Open(AgentService.AgentServiceClient client) =>
        new(client.Connect(cancellationToken: TestContext.Current.CancellationToken));

    /// <summary>Opens a stream, says hello and waits for HelloAck.</summary>
    public static async Task<AgentStream> ConnectAsync(AgentService.AgentServiceClient client, Hello hello)
    {
        var agent = Open(client);
        await agent.SendAsync(new AgentMessage { Hello = hello });
        var ack = await agent.NextAsync(m => m.PayloadCase == CoordinatorMessage.PayloadOneofCase.HelloAck);
        Assert.Equal(1u, ack.HelloAck.ProtocolVersion);
        return agent;
    }

    /// <summary>
    /// Makes <paramref name="vm"/> an instance of the coordinator, as its first agent's hello does:
    /// a host agent of node <paramref name="node"/> says hello and goes away again (no report, no
    /// session left behind). With TLS, <paramref name="client"/> must present that host's certificate.
    /// </summary>
    public static async Task AnnounceAsync(AgentService.AgentServiceClient client, string vm = "giantvm", uint node = 0)
    {
        var hello = HostHello(node);
        hello.Vm = vm;
        using var agent = await ConnectAsync(client, hello);
        await agent._call.RequestStream.CompleteAsync();
        while (await agent._call.ResponseStream.MoveNext(TestContext.Current.CancellationToken))
        {
            // settings; the stream ends with the request stream
        }
    }

    public static Hello GuestHello() => new()
    {
        Role = AgentRole.Guest,
        Vm = "giantvm",
        ProtocolVersion = 1,
        AgentVersion = "test",
        Hostname = "guest",
        Topology = new Topology { Nodes = { new NodeTopology { NodeId = 0, Cpus = "0-1" }, new NodeTopology { NodeId = 1, Cpus = "2-3" } } },
    };

    public static Hello HostHello(uint node) => new() { Role = AgentRole.Host, NodeId = node, Vm = "giantvm", ProtocolVersion = 1, Hostname = $"host{node}" };

    public Task SendAsync(AgentMessage message)
    {
        message.Sequence = ++_sequence;
        return _call.RequestStream.WriteAsync(message, TestContext.Current.CancellationToken);
    }

    /// <summary>Sends and waits for the ReportAck of that message.</summary>
    public async Task SendAckedAsync(AgentMessage message)
    {
        await SendAsync(message);
        var sequence = message.Sequence;
        await NextAsync(m => m.PayloadCase == CoordinatorMessage.PayloadOneofCase.ReportAck && m.ReportAck.Sequence == sequence);
    }

    /// <summary>The next message from the coordinator matching <paramref name="match"/>, within 30 s.</summary>
    public async Task<CoordinatorMessage> NextAsync(Func<CoordinatorMessage, bool> match)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (await _call.ResponseStream.MoveNext(timeout.Token))
        {
            if (match(_call.ResponseStream.Current))
            {
                return _call.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException("the coordinator ended the stream");
    }

    /// <summary>Reads until the coordinator ends the stream with an error status; returns it.</summary>
    public async Task<RpcException> ExpectErrorAsync()
    {
        try
        {
            await NextAsync(_ => false);
        }
        catch (RpcException e)
        {
            return e;
        }

        throw new InvalidOperationException("the stream ended without an error status");
    }

    public void Dispose() => _call.Dispose();
}
