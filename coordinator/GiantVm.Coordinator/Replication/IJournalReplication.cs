namespace GiantVm.Coordinator.Replication;

/// <summary>The rebalancer's side of the replicated log.</summary>
public interface IJournalReplication
{
    /// <summary>The configured number of members (a majority of it must acknowledge).</summary>
    int ClusterSize { get; }

    /// <summary>True when enough members are reachable now for a majority to acknowledge.</summary>
    bool MajorityReachable();

    /// <summary>
    /// Sends the entry to every reachable member's replica; true once a majority of
    /// <see cref="ClusterSize"/> wrote it, false when that did not happen within the timeout.
    /// </summary>
    Task<bool> ReplicateAsync(ReplicatedEntry entry);

    /// <summary>
    /// Writes the entry to this member's own replica (no majority needed; true once it is on disk)
    /// and offers it to the other reachable replicas without waiting for them. For the entry that
    /// cancels one no majority acknowledged: wherever that one travels, this follows.
    /// </summary>
    Task<bool> AppendLocalAsync(ReplicatedEntry entry);

    /// <summary>True when a majority of the members' replicas answer now (nothing is written).</summary>
    Task<bool> ProbeAsync();

    /// <summary>
    /// Before a new rebalancer writes: asks a majority of the replicas, copies into this member's
    /// replica every entry any of them holds that it lacks (also below its own highest position),
    /// and returns this member's whole log.
    /// Throws <see cref="ReplicationUnavailableException"/> when no majority answered.
    /// </summary>
    Task<ReplicaLog> RecoverAsync();
}
