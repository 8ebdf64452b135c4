using Akka.Actor;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Metrics;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Agents;

/// <summary>
/// The agent sessions on this member: one per identity (role, node id, vm), the newest
/// connection replacing the older; routes commands to the vm's guest session.
/// </summary>
public sealed class SessionManagerActor : ReceiveActor
{
    private readonly Dictionary<AgentIdentity, (string SessionId, IActorRef Session)> _byIdentity = [];
    private readonly Dictionary<string, AgentIdentity> _bySessionId = new(StringComparer.Ordinal);
    private readonly ILogger _log;
    private long _sequence;

    public SessionManagerActor(ILogger<SessionManagerActor> log)
    {
        _log = log;
        Receive<OpenSession>(Open);
        Receive<CloseSession>(Close);
        Receive<DeliverToGuest>(d =>
        {
            var guest = new AgentIdentity(AgentRole.Guest, 0, d.Vm);
            var session = _byIdentity.FirstOrDefault(kv => kv.Key.Role == AgentRole.Guest && kv.Key.Vm == d.Vm).Value.Session;
            if (session is null)
            {
                Sender.Tell(new CommandUndeliverable(d.CommandId, $"no guest agent connected for vm {guest.Vm}"));
                return;
            }

            session.Forward(d);
        });
        ReceiveAsync<GetAgents>(async _ =>
        {
            var sender = Sender;
            var infos = await Task.WhenAll(_byIdentity.Values.Select(v => InfoOf(v.Session)));
            sender.Tell(new AgentsList(infos.OfType<AgentSessionInfo>().OrderBy(i => i.Identity.Role).ThenBy(i => i.Identity.NodeId).ToList()));
        });
    }

    /// <summary>A session's info, or null when it stopped meanwhile (it is then left out).</summary>
    private static async Task<AgentSessionInfo?> InfoOf(IActorRef session)
    {
        try
        {
            return await session.Ask<AgentSessionInfo>(GetSessionInfo.Instance, TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
    }

    private void Open(OpenSession open)
    {
        var sessionId = $"s{Interlocked.Increment(ref _sequence)}-{Guid.NewGuid():N}"[..20];
        if (_byIdentity.TryGetValue(open.Identity, out var older))
        {
            // One live stream per agent identity: the newest wins (an agent that reconnects after a
            // network cut must not wait for the old stream to time out).
            CoordinatorMetrics.LimitRefused.WithLabels("one_stream_per_agent").Inc();
            older.Session.Tell(SessionReplaced.Instance);
            _bySessionId.Remove(older.SessionId);
        }

        var forwarder = new SessionForwarder(open.Identity.Vm, open.ReportsTo);
        var session = Context.ActorOf(AgentSessionActor.Props(sessionId, open, forwarder, _log), sessionId);
        forwarder.Bind(session);
        _byIdentity[open.Identity] = (sessionId, session);
        _bySessionId[sessionId] = open.Identity;
        _log.LogInformation("Session {SessionId} opened for {Agent} from {Hostname} (agent {AgentVersion})",
            sessionId, open.Identity, open.Hostname, open.AgentVersion);
        Sender.Tell(new SessionOpened(sessionId, session, forwarder));
    }

    private void Close(CloseSession close)
    {
        if (!_bySessionId.Remove(close.SessionId, out var identity))
        {
            return; // already replaced
        }

        if (_byIdentity.TryGetValue(identity, out var current) && current.SessionId == close.SessionId)
        {
            _byIdentity.Remove(identity);
            Context.Stop(current.Session);
            _log.LogInformation("Session {SessionId} of {Agent} closed", close.SessionId, identity);
        }
    }

    public static Props Props(ILogger<SessionManagerActor> log) => Akka.Actor.Props.Create(() => new SessionManagerActor(log));
}
