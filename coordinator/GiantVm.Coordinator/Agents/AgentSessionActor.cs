using Akka.Actor;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Metrics;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Agents;

/// <summary>
/// One agent's stream inside the actor system: the sender its reports and results reach its
/// instance's rebalancer from (the stream handler sends them through the session's
/// <see cref="SessionForwarder"/>, straight to the shard region), writes commands to its outbox,
/// and ends the stream when a newer connection replaces it.
/// </summary>
public sealed class AgentSessionActor : ReceiveActor
{
    private readonly AgentSessionInfo _info;
    private readonly OpenSession _open;
    private readonly SessionForwarder _forwarder;
    private readonly ILogger _log;

    public AgentSessionActor(string sessionId, OpenSession open, SessionForwarder forwarder, ILogger log)
    {
        _open = open;
        _forwarder = forwarder;
        _log = log;
        _info = new AgentSessionInfo(open.Identity, sessionId, open.Hostname, open.AgentVersion, open.ConnectedAt, null);

        Receive<DeliverToGuest>(d =>
        {
            if (!_open.Outbox.TryWrite(d.Message))
            {
                // Full (the agent does not read) or already completed (the stream is ending): either
                // way the command is refused, never queued without bound or dropped unseen.
                CoordinatorMetrics.LimitRefused.WithLabels("agent_outbox").Inc();
                var reason = $"the {_info.Identity} has {AgentLimits.SessionOutboxCapacity} commands unsent (it does not read its stream) or its stream closed";
                _log.LogWarning("Command {CommandId} not queued: {Reason}; ending the stream", d.CommandId, reason);
                Sender.Tell(new CommandUndeliverable(d.CommandId, reason));
                _open.EndStream($"ended by the coordinator: {reason}");
            }
        });
        Receive<SessionReplaced>(_ =>
        {
            _log.LogInformation("Session {SessionId} of {Agent} replaced by a newer connection", _info.SessionId, _info.Identity);
            _open.EndStream("replaced by a newer connection of the same agent");
            Context.Stop(Self);
        });
        Receive<GetSessionInfo>(_ => Sender.Tell(_info with { LastReport = _forwarder.LastReport }));
    }

    protected override void PreStart() => CoordinatorMetrics.Sessions.WithLabels(_info.Identity.RoleName).Inc();

    protected override void PostStop()
    {
        _forwarder.Stop();
        CoordinatorMetrics.Sessions.WithLabels(_info.Identity.RoleName).Dec();
        _open.Outbox.TryComplete();
    }

    public static Props Props(string sessionId, OpenSession open, SessionForwarder forwarder, ILogger log) =>
        Akka.Actor.Props.Create(() => new AgentSessionActor(sessionId, open, forwarder, log));
}
