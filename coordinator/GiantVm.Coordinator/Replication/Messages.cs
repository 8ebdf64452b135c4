using Akka.Actor;

namespace GiantVm.Coordinator.Replication;

/// <summary>Rebalancer (through <see cref="JournalReplication"/>) -> every member's ReplicaActor: write the entry; replies <see cref="ReplicaAck"/> once it is on disk (or was already there).</summary>
/// <param name="Leader">The rebalancer's own member's replica: where a replica that sees a gap catches up from.</param>
public sealed record ReplicaAppend(ReplicatedEntry Entry, IActorRef Leader);

/// <summary>ReplicaActor -> writer: the entry is on this member's disk.</summary>
public sealed record ReplicaAck(string Id, long Seq, string Member);

/// <summary>Anyone -> ReplicaActor: replies <see cref="ReplicaStatus"/>.</summary>
public sealed record GetReplicaStatus
{
    public static GetReplicaStatus Instance { get; } = new();
}

/// <summary>ReplicaActor -> asker: its highest sequence number and where to reach it.</summary>
public sealed record ReplicaStatus(long Highest, int Entries, string Member, string GrpcUrl, IActorRef Replica);

/// <summary>ReplicaActor -> peer ReplicaActor: replies <see cref="EntriesPage"/> with entries whose sequence is in [From, To].</summary>
public sealed record GetEntries(long From, long To, int Limit);

/// <summary>ReplicaActor -> asker: one page of entries in sequence order; <see cref="More"/> when entries after it remain in the range.</summary>
public sealed record EntriesPage(IReadOnlyList<ReplicatedEntry> Entries, bool More);

/// <summary>Local -> ReplicaActor: copy the entries in [From, To] this replica lacks from <paramref name="Peer"/>; replies <see cref="CaughtUp"/>.</summary>
public sealed record CatchUpFrom(ICanTell Peer, long From, long To);

/// <summary>ReplicaActor -> asker of <see cref="CatchUpFrom"/>: how far it got.</summary>
/// <param name="Complete">False when the peer did not answer (the entries copied so far are kept).</param>
public sealed record CaughtUp(long Highest, int Added, bool Complete);

/// <summary>Rebalancer -> its own member's ReplicaActor: replies <see cref="ReplicaLog"/> (every entry, local only: not sent between members).</summary>
public sealed record ReadLog
{
    public static ReadLog Instance { get; } = new();
}

/// <summary>ReplicaActor -> asker: every entry it holds, in sequence order.</summary>
public sealed record ReplicaLog(IReadOnlyList<ReplicatedEntry> Entries, long Highest);

/// <summary>ReplicaActor -> itself: a page of a catch-up arrived.</summary>
internal sealed record CatchUpPage(EntriesPage Page, CatchUpFrom Request, IActorRef ReplyTo, int AddedSoFar);

/// <summary>ReplicaActor -> itself: a catch-up's peer did not answer.</summary>
internal sealed record CatchUpFailed(CatchUpFrom Request, IActorRef ReplyTo, int AddedSoFar, string Reason);

/// <summary>Timer -> ReplicaActor: compare positions with the peers.</summary>
internal sealed record SyncTick
{
    public static SyncTick Instance { get; } = new();

    /// <summary>What a peer that did not answer the comparison turns into.</summary>
    public static Unanswered NoAnswer { get; } = new();

    /// <summary>A peer did not answer in time (nothing to do: the next tick asks again).</summary>
    internal sealed record Unanswered;
}
