using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using GiantVm.Contracts;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Coordinator.Security;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Status = Grpc.Core.Status;

namespace GiantVm.Coordinator.Agents;

/// <summary>
/// Serves one agent stream (behind <see cref="AgentService.Connect"/>): the link between the
/// stream and its session actor. Checks
/// hello and every message (<see cref="AgentMessageValidator"/>), converts them
/// (<see cref="AgentMessageConverter"/>) and hands them to the session; acknowledges reports; pumps
/// the session's outbox to the agent. Bad input ends the stream with a gRPC status, a log line
/// and a counted rejection. Bounds (counted in giantvm_limit_refused_total): <c>--max-streams</c>
/// streams per member, hello within <c>HelloTimeoutSeconds</c>, <c>--max-report-rate</c> reports a
/// second per stream (the excess is dropped, not acknowledged), a bounded outbox per session.
/// </summary>
public sealed class AgentStreams(
    IRequiredActor<SessionManagerActor> sessions,
    IRequiredActor<RebalancerActor> rebalancer,
    TopologyBook topology,
    TimeProvider time,
    IOptions<CoordinatorOptions> options,
    MemberName member,
    ServerTls tls,
    CommandLedger ledger,
    InstanceDirectory instances,
    AgentStreamsEnd streamsEnd,
    ILogger<AgentStreams> log)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private readonly CoordinatorOptions _options = options.Value;

    /// <summary>
    /// Serves the stream until it ends or is ended: replaced by a newer stream of the agent or not
    /// reading its commands (ABORTED), this member leaving the cluster or stopping (UNAVAILABLE,
    /// <see cref="AgentStreamsEnd"/>). Then: hello (bound to the caller's certificate), the session,
    /// HelloAck and settings, then reports, results and acknowledgements; commands through the
    /// session's outbox.
    /// </summary>
    public async Task ServeAsync(
        IAsyncStreamReader<AgentMessage> requestStream,
        IServerStreamWriter<CoordinatorMessage> responseStream,
        ServerCallContext context)
    {
        using var streamEnd = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        Status? endedWith = null;
        var endGate = new object();
        void End(Status status)
        {
            lock (endGate)
            {
                if (endedWith is not null)
                {
                    return;
                }

                endedWith = status;
            }

            try
            {
                streamEnd.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the stream had already ended
            }
        }

        if (streamsEnd.Reason is { } leaving)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, leaving));
        }

        // The member leaves the cluster or stops: every stream ends at once with UNAVAILABLE, so
        // the agent reconnects to another member (and the host need not wait for it).
        using var onMemberEnd = streamsEnd.Token.Register(() => End(new Status(StatusCode.Unavailable, streamsEnd.Reason ?? AgentStreamsEnd.ShuttingDown)));
        try
        {
            await ServeAsync(requestStream, responseStream, context, streamEnd.Token, End, () => endedWith);
        }
        catch (Exception e) when ((e is OperationCanceledException or IOException or InvalidOperationException) && endedWith is { } status)
        {
            throw new RpcException(status);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Cancelled && endedWith is { } status)
        {
            throw new RpcException(status);
        }
    }

    private async Task ServeAsync(
        IAsyncStreamReader<AgentMessage> requestStream,
        IServerStreamWriter<CoordinatorMessage> responseStream,
        ServerCallContext context,
        CancellationToken token,
        Action<Status> end,
        Func<Status?> endedWith)
    {
        if (!await ReadHello(requestStream, token, context))
        {
            return;
        }

        var first = requestStream.Current;
        var helloVm = first.PayloadCase == AgentMessage.PayloadOneofCase.Hello ? AgentMessageValidator.VmOf(first.Hello.Vm) : ProtocolVersion.DefaultVm;
        var known = first.PayloadCase == AgentMessage.PayloadOneofCase.Hello && first.Hello.Role == AgentRole.Host ? topology.NodesOf(helloVm) : null;
        // Who the certificate says the peer is comes first: a hello for another node or vm is
        // refused as such, before its content is checked.
        var caller = CallerIdentity.Of(context, tls.Material);
        if (tls.Material is not null && first.PayloadCase == AgentMessage.PayloadOneofCase.Hello
            && (caller is null ? "the client certificate carries no giantvm identity" : AccessRules.Hello(caller, first.Hello, helloVm)) is { } notYours)
        {
            AdminAuthorization.Deny(log, caller, "Connect", "hello-binding", notYours);
        }

        Reject(AgentMessageValidator.ValidateHello(first, _options.MaxNodeId, known), context, null);

        var hello = first.Hello;
        await AdmitAsync(helloVm, context, token);

        var identity = new AgentIdentity(hello.Role, hello.Role == AgentRole.Guest ? 0 : (int)hello.NodeId, helloVm);
        if (hello.Role == AgentRole.Guest)
        {
            topology.Record(identity.Vm, hello.Topology);
        }

        void EndStream(string reason) => end(new Status(StatusCode.Aborted, reason));

        // Commands only (acks are written inline); full means the agent stopped reading its stream:
        // the session then refuses the command (the rebalancer is told) and ends the stream.
        var outbox = Channel.CreateBounded<CoordinatorMessage>(new BoundedChannelOptions(AgentLimits.SessionOutboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var opened = await (await sessions.GetAsync(token)).Ask<SessionOpened>(
            new OpenSession(identity, hello.Hostname, hello.AgentVersion, time.GetUtcNow(), outbox.Writer,
                EndStream, await rebalancer.GetAsync(token)),
            AskTimeout, token);

        // One writer at a time on the response stream: the pump (session messages, commands) and
        // this loop (acks, written inline to save a thread hop per report).
        using var writeGate = new SemaphoreSlim(1, 1);
        Task? pump = null;
        try
        {
            // HelloAck and settings go first, before the pump may write anything.
            await responseStream.WriteAsync(new CoordinatorMessage
            {
                HelloAck = new HelloAck
                {
                    SessionId = opened.SessionId,
                    Member = member.Value,
                    ProtocolVersion = ProtocolVersion.Current,
                    ReportIntervalSeconds = _options.ReportIntervalSeconds,
                },
            }, token);
            await responseStream.WriteAsync(new CoordinatorMessage { Settings = new AgentSettings { ReportIntervalSeconds = _options.ReportIntervalSeconds } }, token);
            pump = PumpAsync(outbox.Reader, responseStream, writeGate, identity.Role == AgentRole.Guest ? identity.Vm : null, token);

            var maxSkew = TimeSpan.FromSeconds(_options.MaxClockSkewSeconds);
            var rate = new ReportRateLimiter(_options.MaxReportRate, time.GetUtcNow());
            // One ack message per stream, its sequence set under the write gate: WriteAsync has
            // serialized it once awaited, so it is never read while changed.
            var ack = new CoordinatorMessage { ReportAck = new ReportAck() };
            while (await Read(requestStream, token, context, endedWith))
            {
                var message = requestStream.Current;
                var now = time.GetUtcNow();
                if (message.PayloadCase is AgentMessage.PayloadOneofCase.GuestReport or AgentMessage.PayloadOneofCase.HostReport
                    && !rate.TryTake(now))
                {
                    // Dropped before it is validated or acknowledged: a flood costs one parse each.
                    CoordinatorMetrics.LimitRefused.WithLabels("report_rate").Inc();
                    if (rate.Dropped == 1)
                    {
                        log.LogWarning("{Agent} from {Peer} sends more than {MaxReportRate} reports a second (--max-report-rate): the excess is dropped, only counted from now on",
                            identity, context.Peer, _options.MaxReportRate);
                    }

                    continue;
                }

                var knownNodes = topology.NodesOf(identity.Vm);
                Reject(AgentMessageValidator.ValidateFollowUp(message, identity, knownNodes, _options.MaxNodeId, now, maxSkew, _options.MaxTasksPerReport), context, identity);
                var (payload, kind) = ToSessionMessage(message, identity, caller, now);
                if (payload is not null)
                {
                    opened.Forwarder.Forward(payload, now);
                    CoordinatorMetrics.ReportReceived(kind).Inc();
                }

                await writeGate.WaitAsync(token);
                try
                {
                    ack.ReportAck.Sequence = message.Sequence;
                    await responseStream.WriteAsync(ack, token);
                }
                finally
                {
                    writeGate.Release();
                }
            }
        }
        finally
        {
            (await sessions.GetAsync(CancellationToken.None)).Tell(new CloseSession(opened.SessionId));
            outbox.Writer.TryComplete();
            if (pump is not null)
            {
                await pump;
            }
        }
    }

    /// <summary>
    /// The hello's instance must exist or fit under <c>--max-vms</c> (RESOURCE_EXHAUSTED with the
    /// reason); UNAVAILABLE when the store cannot say (the agent reconnects with backoff).
    /// </summary>
    private async Task AdmitAsync(string vm, ServerCallContext context, CancellationToken token)
    {
        bool admitted;
        try
        {
            admitted = await instances.AdmitAsync(vm, token);
        }
        catch (Exception e) when (MigrationLogDb.IsStoreFailure(e))
        {
            log.LogWarning("Hello from {Peer} for vm {Vm} refused for now: the store cannot record the instance: {Reason}", context.Peer, vm, e.GetBaseException().Message);
            throw new RpcException(new Status(StatusCode.Unavailable, $"the coordinator cannot record instance '{vm}' in its store now: {e.GetBaseException().Message}"));
        }

        if (!admitted)
        {
            CoordinatorMetrics.LimitRefused.WithLabels("max_vms").Inc();
            CoordinatorMetrics.ReportsRejected.WithLabels("max_vms").Inc();
            log.LogWarning("Hello from {Peer} for vm {Vm} refused: the cluster serves {MaxVms} instances already (--max-vms)", context.Peer, vm, instances.MaxVms);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"instance '{vm}' refused: this coordinator cluster serves {instances.MaxVms} GiantVM instances already (--max-vms {instances.MaxVms})"));
        }
    }

    /// <summary>
    /// What the session gets for a validated message (the converted report or result), and its
    /// kind for the metrics; null for a result of a command this guest was never sent (refused and
    /// counted; still acknowledged, so the agent does not send it again).
    /// </summary>
    private (object? Payload, string Kind) ToSessionMessage(AgentMessage message, AgentIdentity identity, GiantVm.Security.PeerIdentity? caller, DateTimeOffset now)
    {
        switch (message.PayloadCase)
        {
            case AgentMessage.PayloadOneofCase.GuestReport:
                return (new GuestReportReceived(AgentMessageConverter.ToData(message.GuestReport), now), "guest");
            case AgentMessage.PayloadOneofCase.HostReport:
                return (new HostReportReceived(AgentMessageConverter.ToData(message.HostReport), now), "host");
            default:
                if (tls.Material is not null && !ledger.WasSent(identity.Vm, message.MigrationResult.CommandId))
                {
                    CoordinatorMetrics.AuthDenied.WithLabels("result-binding").Inc();
                    log.LogWarning("Result for command {CommandId} from {Agent} refused: no such command was sent to the guest of vm {Vm}",
                        message.MigrationResult.CommandId, caller?.ToString() ?? identity.ToString(), identity.Vm);
                    return (null, "result");
                }

                return (new MigrationResultReceived(AgentMessageConverter.ToData(message.MigrationResult), now), "result");
        }
    }

    private async Task PumpAsync(ChannelReader<CoordinatorMessage> outbox, IServerStreamWriter<CoordinatorMessage> stream, SemaphoreSlim writeGate, string? guestVm, CancellationToken token)
    {
        try
        {
            await foreach (var message in outbox.ReadAllAsync(token))
            {
                if (guestVm is not null && message.PayloadCase == CoordinatorMessage.PayloadOneofCase.Migrate)
                {
                    ledger.Sent(guestVm, message.Migrate.CommandId);
                }

                await writeGate.WaitAsync(token);
                try
                {
                    await stream.WriteAsync(message, token);
                }
                finally
                {
                    writeGate.Release();
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The stream ended (agent gone, replaced, or shutting down): nothing left to send to.
        }
    }

    /// <summary>Reads the first message, waiting at most HelloTimeoutSeconds; false at the end of the stream.</summary>
    private async Task<bool> ReadHello(IAsyncStreamReader<AgentMessage> stream, CancellationToken token, ServerCallContext context)
    {
        var limit = TimeSpan.FromSeconds(_options.HelloTimeoutSeconds);
        using var helloWait = new CancellationTokenSource(limit, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(token, helloWait.Token);
        try
        {
            return await Read(stream, either.Token, context);
        }
        catch (Exception e) when (helloWait.IsCancellationRequested && !token.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            CoordinatorMetrics.LimitRefused.WithLabels("hello_timeout").Inc();
            log.LogWarning("Agent stream from {Peer} ended: no hello within {HelloTimeoutSeconds} s of opening", context.Peer, limit.TotalSeconds);
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"no hello within {limit.TotalSeconds:0.###} s of the stream opening"));
        }
    }

    /// <summary>Reads the next message; false at the end of the stream. Oversized messages and a stream ended by its session become RpcExceptions.</summary>
    private async Task<bool> Read(IAsyncStreamReader<AgentMessage> stream, CancellationToken token, ServerCallContext context, Func<Status?>? endedWith = null)
    {
        try
        {
            return await stream.MoveNext(token);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            CoordinatorMetrics.ReportsRejected.WithLabels("oversized").Inc();
            log.LogWarning("Agent message from {Peer} rejected: {Detail} (limit {MaxMessageBytes} bytes)", context.Peer, e.Status.Detail, _options.MaxMessageBytes);
            throw;
        }
        catch (OperationCanceledException) when (endedWith?.Invoke() is { } status)
        {
            throw new RpcException(status);
        }
    }

    private void Reject(Rejection? rejection, ServerCallContext context, AgentIdentity? identity)
    {
        if (rejection is null)
        {
            return;
        }

        CoordinatorMetrics.ReportsRejected.WithLabels(rejection.Reason).Inc();
        if (rejection.Limit is { } limit)
        {
            CoordinatorMetrics.LimitRefused.WithLabels(limit).Inc();
        }

        log.LogWarning("Agent message from {Peer} ({Agent}) rejected with {StatusCode}: {Rejection}",
            context.Peer, identity?.ToString() ?? "before hello", rejection.Code, rejection.Message);
        throw rejection.ToRpcException();
    }
}
