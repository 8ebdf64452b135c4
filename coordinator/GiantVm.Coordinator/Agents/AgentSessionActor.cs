using Akka.Actor;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Rebalancing;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Agents;

/// <summary>
/// One agent's stream inside the actor system: forwards its reports to its instance's rebalancer (through the shard region), writes
/// commands to its outbox, and ends the stream when a newer connection replaces it.
/// </summary>
public sealed class AgentSessionActor : ReceiveActor
{
    private readonly AgentSessionInfo _info;
    private readonly OpenSession _open;
    private readonly ILogger _log;
    private DateTimeOffset? _lastReport;

    public AgentSessionActor(string sessionId, OpenSession open, ILogger log)
    {
        _open = open;
        _log = log;
        _info = new AgentSessionInfo(open.Identity, sessionId, open.Hostname, open.AgentVersion, open.ConnectedAt, null);

        Receive<AgentPayload>(p =>
        {
            _lastReport = p.ReceivedAt;
            _open.ReportsTo.Tell(RebalancerShards.To(_info.Identity.Vm, p.Message));
        });
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
        Receive<GetSessionInfo>(_ => Sender.Tell(_info with { LastReport = _lastReport }));
    }

    protected override void PreStart() => CoordinatorMetrics.Sessions.WithLabels(_info.Identity.RoleName).Inc();

    protected override void PostStop()
    {
        CoordinatorMetrics.Sessions.WithLabels(_info.Identity.RoleName).Dec();
        _open.Outbox.TryComplete();
    }

    public static Props Props(string sessionId, OpenSession open, ILogger log) =>
        Akka.Actor.Props.Create(() => new AgentSessionActor(sessionId, open, log));
}
