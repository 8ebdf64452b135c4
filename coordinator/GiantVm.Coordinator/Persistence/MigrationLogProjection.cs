using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using GiantVm.Coordinator.Journal;
using GiantVm.Coordinator.Metrics;
using GiantVm.Scheduling.Journal;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Persistence;

/// <summary>
/// Keeps the migration log's read model (<see cref="MigrationLogDb"/>) up with the journal, on
/// every member: tails every persisted event in journal order (Akka.Persistence.Sql's query
/// side, polled every <see cref="RefreshInterval"/>) from the last position the read model holds,
/// writes the rows (idempotently: members project the same events), and hands each new record to
/// this member's <see cref="JournalFeed"/> (<c>migrations --follow</c>, verbs that wait for
/// results). When the store fails the stream, it starts again from the read model after
/// <see cref="RetryDelay"/>: a read model that fell behind is rebuilt from the journal.
/// </summary>
public sealed class MigrationLogProjection : ReceiveActor, IWithTimers
{
    /// <summary>How often the journal is polled for new events (the read model trails it by about this).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private const int BatchSize = 256;

    private readonly MigrationLogDb _db;
    private readonly JournalFeed _feed;
    private readonly StoreHealth _health;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private UniqueKillSwitch? _running;
    private int _failures;

    public MigrationLogProjection(MigrationLogDb db, JournalFeed feed, StoreHealth health, ILogger<MigrationLogProjection> log)
    {
        _db = db;
        _feed = feed;
        _health = health;
        _log = log;
        ReceiveAsync<Start>(_ => StartAsync());
        Receive<Started>(s =>
        {
            _running = s.KillSwitch;
            if (_failures > 0)
            {
                _log.LogInformation("Migration log read model follows the journal again (from position {Position})", s.From);
            }

            _failures = 0;
            _health.Up();
            CoordinatorMetrics.StoreUp.Set(1);
        });
        Receive<Failed>(f =>
        {
            _running = null;
            _failures++;
            _health.Down(f.Reason);
            CoordinatorMetrics.StoreUp.Set(0);
            if (_failures == 1 || _failures % 30 == 0)
            {
                _log.LogWarning("Migration log read model cannot follow the journal (attempt {Attempt}): {Reason}; retrying every {Retry}", _failures, f.Reason, RetryDelay);
            }

            Timers.StartSingleTimer("retry", Start.Instance, RetryDelay);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(MigrationLogDb db, JournalFeed feed, StoreHealth health, ILogger<MigrationLogProjection> log) =>
        Akka.Actor.Props.Create(() => new MigrationLogProjection(db, feed, health, log));

    protected override void PreStart() => Self.Tell(Start.Instance);

    protected override void PostStop()
    {
        _stop.Cancel();
        _running?.Shutdown();
        _stop.Dispose();
    }

    private async Task StartAsync()
    {
        long from;
        try
        {
            await _db.EnsureSchemaAsync(_stop.Token);
            from = await _db.ProjectedUpToAsync(_stop.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Self.Tell(new Failed(e.GetBaseException().Message));
            return;
        }

        var liveFrom = from;
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var self = Self;
        var (killSwitch, done) = journal.AllEvents(Offset.Sequence(from))
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .GroupedWithin(BatchSize, RefreshInterval)
            .SelectAsync(1, async batch =>
            {
                var rows = Rows(batch);
                await _db.WriteAsync(rows, _stop.Token);
                return rows;
            })
            .ToMaterialized(Sink.ForEach<IReadOnlyList<ProjectedRow>>(rows =>
            {
                foreach (var row in rows)
                {
                    if (row is { Row: JournalRecord record, Ordering: var ordering } && ordering > liveFrom)
                    {
                        _feed.Publish(record);
                    }
                }
            }), Keep.Both)
            .Run(Context.Materializer());
        self.Tell(new Started(killSwitch, from));
        _ = done.ContinueWith(
            t => self.Tell(new Failed(t.Exception?.GetBaseException().Message ?? "the journal's event stream ended")),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The read model rows of a batch of journal events (events of other writers are skipped).</summary>
    public static IReadOnlyList<ProjectedRow> Rows(IEnumerable<EventEnvelope> events)
    {
        var rows = new List<ProjectedRow>();
        foreach (var envelope in events)
        {
            if (MigrationLogRows.VmOf(envelope.PersistenceId) is not { } vm || envelope.Offset is not Sequence position)
            {
                continue;
            }

            if (MigrationLogRows.From(vm, envelope.SequenceNr, position.Value, envelope.Event) is { } row)
            {
                rows.Add(new ProjectedRow(row, position.Value));
            }
        }

        return rows;
    }

    // self-messages: they never leave this actor (Started holds the stream's kill switch)
    private sealed record Start : INoSerializationVerificationNeeded
    {
        public static Start Instance { get; } = new();
    }

    private sealed record Started(UniqueKillSwitch KillSwitch, long From) : INoSerializationVerificationNeeded;

    private sealed record Failed(string Reason) : INoSerializationVerificationNeeded;
}
