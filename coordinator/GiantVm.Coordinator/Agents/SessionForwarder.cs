using Akka.Actor;
using GiantVm.Coordinator.Rebalancing;

namespace GiantVm.Coordinator.Agents;

/// <summary>
/// The stream's way to its instance's rebalancer: the handler hands each validated report or
/// result straight to the shard region, sent as from the agent's session actor (the rebalancer
/// sends commands back to the session that forwarded the guest's last report), without a hop
/// through the session's mailbox. Once the session stops (replaced by a newer stream, or closed)
/// nothing more is forwarded, as a message to the stopped actor would have been dropped. Made by
/// <see cref="SessionManagerActor"/> with the session; used by one stream handler at a time.
/// </summary>
public sealed class SessionForwarder
{
    private readonly string _vm;
    private readonly IActorRef _reportsTo;
    private IActorRef _session = ActorRefs.Nobody;
    private long _lastReportTicks;
    private volatile bool _stopped;

    /// <param name="vm">The session's instance (the entity id of its rebalancer).</param>
    /// <param name="reportsTo">The rebalancers' shard region.</param>
    public SessionForwarder(string vm, IActorRef reportsTo)
    {
        _vm = vm;
        _reportsTo = reportsTo;
    }

    /// <summary>When the last message was forwarded (null: none yet).</summary>
    public DateTimeOffset? LastReport => Interlocked.Read(ref _lastReportTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// <paramref name="message"/> (received at <paramref name="receivedAt"/>) to the rebalancer of
    /// the session's instance; false (and nothing sent) once the session stopped.
    /// </summary>
    public bool Forward(object message, DateTimeOffset receivedAt)
    {
        if (_stopped)
        {
            return false;
        }

        Interlocked.Exchange(ref _lastReportTicks, receivedAt.UtcTicks);
        _reportsTo.Tell(RebalancerShards.To(_vm, message), _session);
        return true;
    }

    /// <summary>The session actor messages are sent as (set once, before the stream gets this forwarder).</summary>
    internal void Bind(IActorRef session) => _session = session;

    /// <summary>The session stopped: forward nothing more.</summary>
    internal void Stop() => _stopped = true;
}
