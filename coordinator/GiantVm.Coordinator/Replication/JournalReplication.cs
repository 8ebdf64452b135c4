using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Replication;

/// <summary>
/// Majority-acknowledged writes to every member's <see cref="ReplicaActor"/>, and the
/// recovery a new rebalancer runs before it writes. The replicas to write to come from
/// <c>targets</c> (in a cluster: the reachable members that are Up; in tests: fixed actors).
/// The majority is counted over the configured cluster size, or over the members the cluster
/// knows when there are more of them (a member started with too small a <c>--cluster-size</c>
/// must not let two sides of a partition both reach "a majority").
/// </summary>
public sealed class JournalReplication(
    IActorRef localReplica,
    Func<IReadOnlyList<ICanTell>> targets,
    int clusterSize,
    TimeSpan ackTimeout,
    ILogger log,
    Func<int>? membersKnown = null) : IJournalReplication
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(60);

    private readonly int _configuredSize = Math.Max(1, clusterSize);
    private int _largestSizeWarned;

    public int ClusterSize
    {
        get
        {
            var known = membersKnown?.Invoke() ?? 0;
            if (known <= _configuredSize)
            {
                return _configuredSize;
            }

            if (Interlocked.Exchange(ref _largestSizeWarned, Math.Max(known, _largestSizeWarned)) < known)
            {
                log.LogError("The cluster has {Known} members but --cluster-size is {Configured}: counting a majority of {Known} (set --cluster-size on every member)",
                    known, _configuredSize, known);
            }

            return known;
        }
    }

    /// <summary>Replication over the members of the Akka cluster <paramref name="system"/> belongs to.</summary>
    public static JournalReplication ForCluster(ActorSystem system, IActorRef localReplica, int clusterSize, TimeSpan ackTimeout, ILogger log)
    {
        var cluster = Cluster.Get(system);
        IReadOnlyList<ICanTell> Targets()
        {
            var state = cluster.State;
            return state.Members
                .Where(m => (m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving) && !state.Unreachable.Contains(m))
                .Select(m => m.Address == cluster.SelfAddress ? localReplica : (ICanTell)ReplicaActor.PeerOf(system, m.Address))
                .ToList();
        }

        // every member the cluster knows, reachable or not, until it is removed
        int MembersKnown() => cluster.State.Members.Count(m => m.Status is not (MemberStatus.Removed or MemberStatus.Down));

        return new JournalReplication(localReplica, Targets, clusterSize, ackTimeout, log, MembersKnown);
    }

    public bool MajorityReachable() => ClusterMajority.Reached(targets().Count, ClusterSize);

    public async Task<bool> ReplicateAsync(ReplicatedEntry entry)
    {
        var replicas = targets();
        if (!ClusterMajority.Reached(replicas.Count, ClusterSize))
        {
            return false;
        }

        var message = new ReplicaAppend(entry, localReplica);
        var pending = replicas.Select(r => AckAsync(r, message)).ToList();
        var acks = 0;
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            if (await done && ClusterMajority.Reached(++acks, ClusterSize))
            {
                return true;
            }
        }

        return false;
    }

    public async Task<bool> AppendLocalAsync(ReplicatedEntry entry)
    {
        var message = new ReplicaAppend(entry, localReplica);
        foreach (var replica in targets().Where(r => !r.Equals(localReplica)))
        {
            replica.Tell(message, ActorRefs.Nobody);
        }

        return await AckAsync(localReplica, message);
    }

    public async Task<bool> ProbeAsync() => ClusterMajority.Reached((await MajorityStatusesAsync()).Count, ClusterSize);

    public async Task<ReplicaLog> RecoverAsync()
    {
        var statuses = await MajorityStatusesAsync();

        if (!ClusterMajority.Reached(statuses.Count, ClusterSize))
        {
            throw new ReplicationUnavailableException(
                $"{statuses.Count} of {ClusterSize} members' replicas answered, {ClusterMajority.Of(ClusterSize)} needed");
        }

        var local = await localReplica.Ask<ReplicaStatus>(GetReplicaStatus.Instance, StatusTimeout);
        var best = statuses.MaxBy(s => s.Highest)!;

        // Every replica of the answering majority, over its whole log: this member's may lack
        // entries below its own highest position too (a gap whose catch-up failed), and the
        // replica writes only the entries it lacks.
        foreach (var peer in statuses.Where(s => s.Entries > 0 && !s.Replica.Equals(localReplica)))
        {
            var caught = await localReplica.Ask<CaughtUp>(new CatchUpFrom(peer.Replica, 0, long.MaxValue), CatchUpTimeout);
            if (!caught.Complete || caught.Highest < peer.Highest)
            {
                throw new ReplicationUnavailableException($"catch-up from member {peer.Member} ended at {caught.Highest} of {peer.Highest}");
            }

            if (caught.Added > 0)
            {
                log.LogInformation("This member's log lacked {Added} entries member {Member}'s holds (its log ended at {Local}, that one's at {Peer}): caught up before deciding",
                    caught.Added, peer.Member, local.Highest, peer.Highest);
            }
        }

        var recovered = await localReplica.Ask<ReplicaLog>(ReadLog.Instance, CatchUpTimeout);
        return recovered with { Highest = Math.Max(recovered.Highest, best.Highest) };
    }

    /// <summary>
    /// The replicas' positions, as soon as a majority answered (any majority holds every record a
    /// majority acknowledged; a dead member's replica would only cost its timeout), or all that
    /// answered.
    /// </summary>
    private async Task<List<ReplicaStatus>> MajorityStatusesAsync()
    {
        var pending = targets().Select(StatusAsync).ToList();
        var statuses = new List<ReplicaStatus>();
        while (pending.Count > 0 && !ClusterMajority.Reached(statuses.Count, ClusterSize))
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            if (await done is { } status)
            {
                statuses.Add(status);
            }
        }

        return statuses;
    }

    private async Task<bool> AckAsync(ICanTell replica, ReplicaAppend message)
    {
        try
        {
            await replica.Ask<ReplicaAck>(message, ackTimeout);
            return true;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or ActorNotFoundException)
        {
            log.LogDebug("Replica {Replica} did not acknowledge entry {Id}: {Error}", replica, message.Entry.Id, e.Message);
            return false;
        }
    }

    private static async Task<ReplicaStatus?> StatusAsync(ICanTell replica)
    {
        try
        {
            return await replica.Ask<ReplicaStatus>(GetReplicaStatus.Instance, StatusTimeout);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or ActorNotFoundException)
        {
            return null;
        }
    }
}
