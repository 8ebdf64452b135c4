using GiantVm.Coordinator.Rebalancing.Bookkeeping;

namespace GiantVm.Coordinator.Persistence;

/// <summary>Rebalancer -> RebalancerEventLog: persist this event; replies <see cref="EventRecorded"/> once it is in the store, or <see cref="Akka.Actor.Status.Failure"/>.</summary>
public sealed record RecordEvent(RebalancerEvent Event);

/// <summary>RebalancerEventLog -> asker: the event is durable at this sequence number.</summary>
public sealed record EventRecorded(long SequenceNr);

/// <summary>Rebalancer -> RebalancerEventLog: replies <see cref="RecoveredState"/> (answered once recovery is done).</summary>
public sealed record GetRecoveredState
{
    public static GetRecoveredState Instance { get; } = new();
}

/// <summary>RebalancerEventLog -> asker: the state every recorded event built (to restore a bookkeeping from), and the last sequence number.</summary>
public sealed record RecoveredState(RebalancerSnapshot State, long SequenceNr, long EventsReplayed, bool FromSnapshot);
