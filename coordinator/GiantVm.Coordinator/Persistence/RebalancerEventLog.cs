using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;

namespace GiantVm.Coordinator.Persistence;

/// <summary>
/// One GiantVM instance's rebalancer events in the store (persistence id <c>rebalancer-VM</c>):
/// persists each event before it is acknowledged, folds it into a
/// <see cref="RebalancerBookkeeping"/>, saves a snapshot every N events, and on start rebuilds
/// the state from the newest snapshot and the events after it. The journal's unique
/// (persistence id, sequence number) key refuses a second writer of the same sequence number: a
/// persist that fails stops this actor (Akka.Persistence's rule), and the asker gets the failure.
/// On PostgreSQL it takes its instance's <see cref="RebalancerFence"/> before it recovers: from
/// then on the journal refuses the events of any earlier writer of the instance; when the fence
/// cannot be taken (another Up member holds it, the store is down) it fails to start and its
/// parent retries.
/// </summary>
public sealed class RebalancerEventLog : ReceivePersistentActor
{
    private readonly RebalancerBookkeeping _book;
    private readonly int _snapshotEvery;
    private readonly string _vm;
    private long _replayed;
    private bool _fromSnapshot;
    private IActorRef? _waiting;

    public RebalancerEventLog(string vm, PolicyInForce defaultPolicy, int snapshotEvery)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(snapshotEvery, 1);
        PersistenceId = PersistenceIdOf(vm);
        _vm = vm;
        _snapshotEvery = snapshotEvery;
        _book = new RebalancerBookkeeping(vm, "", defaultPolicy);

        Recover<SnapshotOffer>(offer =>
        {
            _book.Restore((RebalancerSnapshot)offer.Snapshot);
            _fromSnapshot = true;
        });
        Recover<RebalancerEvent>(e =>
        {
            _book.Apply(e);
            _replayed++;
        });

        Command<RecordEvent>(r =>
        {
            _waiting = Sender;
            Persist(r.Event, e =>
            {
                _waiting = null;
                _book.Apply(e);
                Sender.Tell(new EventRecorded(LastSequenceNr));
                if (LastSequenceNr % _snapshotEvery == 0)
                {
                    SaveSnapshot(_book.TakeSnapshot());
                }
            });
        });
        Command<RecordEvents>(r =>
        {
            if (r.Events.Count == 0)
            {
                Sender.Tell(new EventRecorded(LastSequenceNr));
                return;
            }

            _waiting = Sender;
            var left = r.Events.Count;
            PersistAll(r.Events, e =>
            {
                _book.Apply(e);
                if (--left == 0)
                {
                    _waiting = null;
                    Sender.Tell(new EventRecorded(LastSequenceNr));
                }

                if (LastSequenceNr % _snapshotEvery == 0)
                {
                    SaveSnapshot(_book.TakeSnapshot());
                }
            });
        });
        Command<GetRecoveredState>(_ => Sender.Tell(new RecoveredState(_book.TakeSnapshot(), LastSequenceNr, _replayed, _fromSnapshot)));
        Command<SaveSnapshotSuccess>(s =>
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { }); // the next one is tried N events later; the journal holds everything
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    /// <summary>Every rebalancer's persistence id starts with it; the rest is the GiantVM instance id.</summary>
    public const string PersistenceIdPrefix = "rebalancer-";

    public static string PersistenceIdOf(string vm) => PersistenceIdPrefix + vm;

    public static Props Props(string vm, PolicyInForce defaultPolicy, int snapshotEvery) =>
        Akka.Actor.Props.Create(() => new RebalancerEventLog(vm, defaultPolicy, snapshotEvery));

    /// <summary>The fence first, then Akka.Persistence's start (which begins the recovery).</summary>
    private RebalancerFence? _fenced;

    public override void AroundPreStart()
    {
        if (RebalancerFence.Of(Context.System) is { } fence)
        {
            Akka.Persistence.Persistence.Instance.Apply(Context.System).JournalFor(JournalPluginId); // creates its tables on a new database
            fence.Take(_vm);
            _fenced = fence;
        }
        base.AroundPreStart();
    }

    /// <summary>
    /// A rebalancer that stops on a live member (its shard handed off to another member, the
    /// member leaving) releases the fence, so that its successor, on a member this one still sees
    /// Up, may take it. Best effort: when the store cannot be reached, the successor takes it once
    /// this member is no longer Up.
    /// </summary>
    protected override void PostStop()
    {
        base.PostStop();
        try
        {
            _fenced?.Release(_vm);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            Context.GetLogger().Warning("The fence of {0} was not released ({1}); its next rebalancer takes it once this member is not Up", _vm, e.GetBaseException().Message);
        }
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _waiting?.Tell(new Status.Failure(new InvalidOperationException($"the store did not persist event {sequenceNr} of {PersistenceId}: {cause.GetBaseException().Message}", cause)));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _waiting?.Tell(new Status.Failure(new InvalidOperationException($"the store rejected event {sequenceNr} of {PersistenceId}: {cause.GetBaseException().Message}", cause)));
        _waiting = null;
        base.OnPersistRejected(cause, @event, sequenceNr);
    }
}
