using Akka.Actor;
using Akka.Cluster;
using GiantVm.Coordinator.Journal;
using GiantVm.Coordinator.Metrics;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Replication;

/// <summary>
/// This member's copy of the replicated log (journal records and state changes), written to its
/// own data folder. Writes what the rebalancer sends (each record once: duplicates are
/// acknowledged, not written again), fills gaps from the rebalancer's member, catches up from
/// every member that comes Up and from all members when it comes Up itself (so a member that was
/// away gets what it missed), compares positions with its peers every few seconds (and catches
/// up from one that is ahead), and serves its entries to peers.
/// </summary>
public sealed class ReplicaActor : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under /user on every member.</summary>
    public const string Name = "journal-replica";

    private const int PageSize = 200;
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(5);

    private readonly ReplicaStore _store;
    private readonly JournalFeed _feed;
    private readonly string _member;
    private readonly string _grpcUrl;
    private readonly bool _followCluster;
    private readonly ILogger _log;
    private ReplicaIndex _index = ReplicaIndex.Empty;

    public ReplicaActor(ReplicaStore store, JournalFeed feed, string member, string grpcUrl, bool followCluster, ILogger log)
    {
        _store = store;
        _feed = feed;
        _member = member;
        _grpcUrl = grpcUrl;
        _followCluster = followCluster;
        _log = log;

        Receive<ReplicaAppend>(OnAppend);
        Receive<GetReplicaStatus>(_ => Sender.Tell(new ReplicaStatus(_index.Highest, _index.Ids.Count, _member, _grpcUrl, Self)));
        Receive<GetEntries>(g =>
        {
            var (page, more) = ReplicaIndex.PageOf(_store.ReadAll(), g.From, g.To, g.Limit);
            Sender.Tell(new EntriesPage(page, more));
        });
        Receive<ReadLog>(_ => Sender.Tell(new ReplicaLog(_store.ReadAll(), _index.Highest)));
        Receive<CatchUpFrom>(c => RequestPage(c, Sender, 0));
        Receive<CatchUpPage>(OnPage);
        Receive<CatchUpFailed>(f =>
        {
            _log.LogWarning("Catch-up of log entries {From}..{To} from {Peer} stopped: {Reason}", f.Request.From, f.Request.To, f.Request.Peer, f.Reason);
            f.ReplyTo.Tell(new CaughtUp(_index.Highest, f.AddedSoFar, false));
        });
        Receive<CaughtUp>(_ => { }); // replies to catch-ups this replica started itself
        Receive<ClusterEvent.MemberUp>(up =>
        {
            var cluster = Cluster.Get(Context.System);
            var peers = up.Member.Address == cluster.SelfAddress
                ? UpPeers() // this member is Up now: whatever was written while it was joining
                : [up.Member.Address];
            foreach (var peer in peers)
            {
                Self.Tell(new CatchUpFrom(PeerOf(Context.System, peer), _index.CatchUpFrom, long.MaxValue));
            }
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<SyncTick>(_ =>
        {
            foreach (var peer in UpPeers())
            {
                var replica = PeerOf(Context.System, peer);
                replica.Ask<ReplicaStatus>(GetReplicaStatus.Instance, PageTimeout).PipeTo(Self, failure: _ => SyncTick.NoAnswer);
            }
        });
        Receive<ReplicaStatus>(peer =>
        {
            if (peer.Highest > _index.Highest)
            {
                Self.Tell(new CatchUpFrom(peer.Replica, _index.CatchUpFrom, long.MaxValue));
            }
        });
        Receive<SyncTick.Unanswered>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ReplicaStore store, JournalFeed feed, string member, string grpcUrl, bool followCluster, ILogger log) =>
        Akka.Actor.Props.Create(() => new ReplicaActor(store, feed, member, grpcUrl, followCluster, log));

    /// <summary>The replica of the member at <paramref name="address"/>.</summary>
    public static ActorSelection PeerOf(ActorSystem system, Address address) =>
        system.ActorSelection(new RootActorPath(address) / "user" / Name);

    protected override void PreStart()
    {
        _index = ReplicaIndex.From(_store.ReadAll());
        _log.LogInformation("Replica of member {Member}: {Entries} log entries, highest sequence {Highest}", _member, _index.Ids.Count, _index.Highest);
        CoordinatorMetrics.ReplicaHighestSeq.Set(_index.Highest);
        if (_followCluster)
        {
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp));
            Timers.StartPeriodicTimer("sync", SyncTick.Instance, SyncInterval);
        }
    }

    protected override void PostStop()
    {
        if (_followCluster)
        {
            Cluster.Get(Context.System).Unsubscribe(Self);
        }
    }

    /// <summary>The other members that are Up and reachable.</summary>
    private List<Address> UpPeers()
    {
        var cluster = Cluster.Get(Context.System);
        var state = cluster.State;
        return state.Members
            .Where(m => m.Status == MemberStatus.Up && m.Address != cluster.SelfAddress && !state.Unreachable.Contains(m))
            .Select(m => m.Address)
            .ToList();
    }

    private void OnAppend(ReplicaAppend append)
    {
        var gap = _index.GapBefore(append.Entry);
        try
        {
            Add(append.Entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogError(e, "Could not write log entry {Id} (sequence {Seq}) to this member's data folder; not acknowledged", append.Entry.Id, append.Entry.Seq);
            return;
        }

        Sender.Tell(new ReplicaAck(append.Entry.Id, append.Entry.Seq, _member));
        if (gap is { } missing && !append.Leader.Equals(Self))
        {
            _log.LogInformation("Log entries {From}..{To} missing here; catching up from the rebalancer's member", missing.From, missing.To);
            Self.Tell(new CatchUpFrom(append.Leader, missing.From, missing.To));
        }
    }

    /// <summary>Writes the entry unless it is already here; true when written.</summary>
    private bool Add(ReplicatedEntry entry)
    {
        if (_index.Contains(entry.Id))
        {
            CoordinatorMetrics.ReplicaEntries.WithLabels("duplicate").Inc();
            return false;
        }

        _store.Append(entry);
        _index = _index.With(entry);
        CoordinatorMetrics.ReplicaEntries.WithLabels("written").Inc();
        CoordinatorMetrics.ReplicaHighestSeq.Set(_index.Highest);
        if (entry.Record is { } record)
        {
            _feed.Publish(record);
        }

        return true;
    }

    private void RequestPage(CatchUpFrom request, IActorRef replyTo, int addedSoFar)
    {
        var self = Self;
        request.Peer.Ask<EntriesPage>(new GetEntries(request.From, request.To, PageSize), PageTimeout)
            .PipeTo(self,
                success: page => new CatchUpPage(page, request, replyTo, addedSoFar),
                failure: e => new CatchUpFailed(request, replyTo, addedSoFar, e.GetBaseException().Message));
    }

    private void OnPage(CatchUpPage page)
    {
        var added = page.AddedSoFar;
        try
        {
            foreach (var entry in _index.Missing(page.Page.Entries))
            {
                added += Add(entry) ? 1 : 0;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Self.Tell(new CatchUpFailed(page.Request, page.ReplyTo, added, e.Message));
            return;
        }

        if (page.Page.More && page.Page.Entries.Count > 0)
        {
            RequestPage(page.Request with { From = page.Page.Entries[^1].Seq + 1 }, page.ReplyTo, added);
            return;
        }

        if (added > 0)
        {
            _log.LogInformation("Caught up {Added} log entries from {Peer}; highest sequence now {Highest}", added, page.Request.Peer, _index.Highest);
        }

        page.ReplyTo.Tell(new CaughtUp(_index.Highest, added, true));
    }
}
