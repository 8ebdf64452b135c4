using GiantVm.Coordinator.Rebalancing.Bookkeeping;

namespace GiantVm.Coordinator.Persistence;

/// <summary>Rebalancer -> RebalancerEventLog: persist this event; replies <see cref="EventRecorded"/> once it is in the store, or <see cref="Akka.Actor.Status.Failure"/>.</summary>
/// <remarks>Local (the event log is the rebalancer's child); the event itself is stored with <see cref="RebalancerEventSerializer"/>.</remarks>
public sealed record RecordEvent(RebalancerEvent Event) : Akka.Actor.INoSerializationVerificationNeeded;

/// <summary>
/// Rebalancer -> RebalancerEventLog: persist these events, in order, in one write to the store
/// (Akka.Persistence's PersistAll); replies one <see cref="EventRecorded"/> with the last one's
/// sequence number once all are in the store, or <see cref="Akka.Actor.Status.Failure"/>.
/// </summary>
public sealed record RecordEvents(IReadOnlyList<RebalancerEvent> Events) : Akka.Actor.INoSerializationVerificationNeeded;

/// <summary>RebalancerEventLog -> asker: the event (or the last of the events) is durable at this sequence number.</summary>
public sealed record EventRecorded(long SequenceNr);

/// <summary>Rebalancer -> RebalancerEventLog: replies <see cref="RecoveredState"/> (answered once recovery is done).</summary>
public sealed record GetRecoveredState
{
    public static GetRecoveredState Instance { get; } = new();
}

/// <summary>RebalancerEventLog -> asker: the state every recorded event built (to restore a bookkeeping from), and the last sequence number.</summary>
public sealed record RecoveredState(RebalancerSnapshot State, long SequenceNr, long EventsReplayed, bool FromSnapshot);
