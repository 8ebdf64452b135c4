using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using GiantVm.Coordinator.Journal;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Scheduling.Journal;
using GiantVm.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using static GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping.BookkeepingFixture;

namespace GiantVm.Coordinator.Tests.Persistence;

/// <summary>
/// --retain against a real SQLite file and a real (throwaway) PostgreSQL: events written through
/// Akka.Persistence.Sql, some of them aged (their <c>created</c> set back), then a retention run:
/// old events covered by the snapshot go, newer ones, the ones after the snapshot and the highest
/// stay, snapshots stay, old read model rows go, and a new system recovers the same state and
/// numbers its next event after the highest. A projection starting from an empty read model after
/// the deletion reads on from the oldest kept event.
/// </summary>
public sealed class StoreRetentionTests : IDisposable
{
    private const int SnapshotEvery = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("giantvm-retain-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private StoreLocation SqliteStore() => StoreLocation.Parse("sqlite:" + Path.Combine(_folder.FullName, "giantvm.db"));

    [Fact]
    public Task Sqlite_ARun_DeletesOldCoveredEventsAndRows_AndRecoveryGivesTheSameState() => DeletesAndRecoversAsync(SqliteStore());

    [Fact]
    [Trait("Category", "postgres")]
    public async Task Postgres_ARun_DeletesOldCoveredEventsAndRows_AndRecoveryGivesTheSameState()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        await DeletesAndRecoversAsync(StoreLocation.Parse(postgres.StoreUri));
    }

    [Fact]
    public Task Sqlite_AProjectionFromAnEmptyReadModel_AfterADeletion_StartsAtTheOldestKeptEvent() => ProjectsAfterDeletionAsync(SqliteStore());

    [Fact]
    [Trait("Category", "postgres")]
    public async Task Postgres_AProjectionFromAnEmptyReadModel_AfterADeletion_StartsAtTheOldestKeptEvent()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        await ProjectsAfterDeletionAsync(StoreLocation.Parse(postgres.StoreUri));
    }

    private static async Task DeletesAndRecoversAsync(StoreLocation store)
    {
        var db = new MigrationLogDb(store);
        var now = DateTimeOffset.UtcNow;
        var cutoff = now - TimeSpan.FromDays(30);
        var old = now - TimeSpan.FromDays(40);

        // giantvm: 11 events, snapshot at 8; other: 6 events, snapshot at 4
        var before = DateTimeOffset.UtcNow;
        RecoveredState liveGiantvm, liveOther;
        await using (var first = await StartAsync(store))
        {
            liveGiantvm = await PersistAsync(first.System, "giantvm", StoredEvents.All, db);
            liveOther = await PersistAsync(first.System, "other", StoredEvents.All.Take(6).ToList(), db);
        }

        var after = DateTimeOffset.UtcNow;

        // the journal's created column is .NET ticks (UTC): what the cutoff is compared with
        Assert.InRange(await ScalarAsync(db, "select min(created) from journal"), StoreRetention.Ticks(before), StoreRetention.Ticks(after));
        Assert.InRange(await ScalarAsync(db, "select max(created) from journal"), StoreRetention.Ticks(before), StoreRetention.Ticks(after));

        // giantvm's events 1-6 are old (7 and 8 are covered by the snapshot but newer); all of other's are old
        await ExecuteAsync(db, $"update journal set created = {StoreRetention.Ticks(old)} where (persistence_id = 'rebalancer-giantvm' and sequence_number <= 6) or persistence_id = 'rebalancer-other'");

        // read model: a migration all old, one decided long ago with a recent result, a recent one, an old and a recent state change
        await db.EnsureSchemaAsync(Ct);
        var d = StoredEvents.Decision;
        var rows = new object[]
        {
            d with { Id = "old-d", MigrationId = "m-old", Time = old, Seq = 1 },
            d with { Id = "old-r", MigrationId = "m-old", Kind = JournalKinds.Result, Status = MigrationStatuses.Done, Time = old.AddDays(5), Seq = 2 },
            d with { Id = "mixed-d", MigrationId = "m-mixed", Time = old, Seq = 3 },
            d with { Id = "mixed-r", MigrationId = "m-mixed", Kind = JournalKinds.Result, Status = MigrationStatuses.Failed, Time = now.AddDays(-1), Seq = 4 },
            d with { Id = "new-d", MigrationId = "m-new", Time = now.AddHours(-1), Seq = 5 },
            new StateChangeRow("giantvm", 6, 6, now.AddHours(-2), "resume", "member-a", null, null),
            // the highest position projected is an old row: deleted, but the position stays
            new StateChangeRow("giantvm", 7, 7, old, "pause", "member-a", null, "window"),
        };
        await db.WriteAsync([.. rows.Select((r, i) => new ProjectedRow(r, i + 1))], Ct);

        var retention = new StoreRetention(db);
        var run = await retention.RunAsync(cutoff, Ct);

        Assert.Equal(new RetentionRun(cutoff, MigrationRows: 2, StateChanges: 1, Events: 6 + 4, PersistenceIds: 2), run);
        Assert.Equal([7L, 8, 9, 10, 11], await SequenceNumbersAsync(db, "journal", "rebalancer-giantvm"));
        Assert.Equal([5L, 6], await SequenceNumbersAsync(db, "journal", "rebalancer-other"));
        Assert.Equal([8L], await SequenceNumbersAsync(db, "snapshot", "rebalancer-giantvm"));
        Assert.Equal([4L], await SequenceNumbersAsync(db, "snapshot", "rebalancer-other"));
        Assert.Equal(["mixed-d", "mixed-r", "new-d"], (await db.QueryAsync(JournalQuery.All, Ct)).Select(r => r.Id));
        Assert.Equal([6L], (await db.StateChangesAsync("giantvm", 0, Ct)).Select(s => s.Seq));
        Assert.Equal(7, await db.ProjectedUpToAsync(Ct)); // not projected again from an earlier position

        // idempotent: a second run (or a second member) deletes nothing more
        Assert.Equal(new RetentionRun(cutoff, 0, 0, 0, 0), await retention.RunAsync(cutoff, Ct));

        await using var second = await StartAsync(store);
        await AssertRecoversAsync(second.System, "giantvm", liveGiantvm, replayed: 3);
        await AssertRecoversAsync(second.System, "other", liveOther, replayed: 2);
    }

    private static async Task ProjectsAfterDeletionAsync(StoreLocation store)
    {
        var db = new MigrationLogDb(store);
        var now = DateTimeOffset.UtcNow;
        await using (var first = await StartAsync(store))
        {
            await PersistAsync(first.System, "giantvm", StoredEvents.All, db);
        }

        // events 1-6 old and covered by the snapshot at 8: deleted before any member projected them
        await ExecuteAsync(db, $"update journal set created = {StoreRetention.Ticks(now.AddDays(-40))} where sequence_number <= 6");
        await db.EnsureSchemaAsync(Ct);
        Assert.Equal(6, (await new StoreRetention(db).RunAsync(now.AddDays(-30), Ct)).Events);
        Assert.Equal(0, await db.ProjectedUpToAsync(Ct));

        await using var second = await StartAsync(store);
        var feed = new JournalFeed(64);
        second.System.ActorOf(MigrationLogProjection.Props(db, feed, new StoreHealth(TimeProvider.System), NullLogger<MigrationLogProjection>.Instance));
        var expected = await ScalarAsync(db, "select max(ordering) from journal");
        var watch = Stopwatch.StartNew();
        while (await db.ProjectedUpToAsync(Ct) < expected)
        {
            Assert.True(watch.Elapsed < Timeout, $"the projection did not reach position {expected} within {Timeout}");
            await Task.Delay(100, Ct);
        }

        // events 7-11: pause, resume, decision r-4, its timeout r-5, decision r-6; nothing before them
        Assert.Equal(["r-4", "r-5", "r-6"], (await db.QueryAsync(JournalQuery.All, Ct)).Select(r => r.Id));
        Assert.Equal([7L, 8], (await db.StateChangesAsync("giantvm", 0, Ct)).Select(s => s.Seq));
        TestContext.Current.SendDiagnosticMessage($"projection from an empty read model after a deletion caught up in {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Persists <paramref name="events"/> as instance <paramref name="vm"/>, waits for the last snapshot; returns the live state.</summary>
    private static async Task<RecoveredState> PersistAsync(ActorSystem system, string vm, IReadOnlyList<RebalancerEvent> events, MigrationLogDb db)
    {
        var log = system.ActorOf(RebalancerEventLog.Props(vm, InForce(), SnapshotEvery));
        foreach (var e in events)
        {
            await log.Ask<EventRecorded>(new RecordEvent(e), Timeout, Ct);
        }

        var snapshotAt = events.Count / SnapshotEvery * SnapshotEvery;
        var watch = Stopwatch.StartNew();
        // the newest snapshot is in, and the older ones it replaces are gone
        while (await SequenceNumbersAsync(db, "snapshot", RebalancerEventLog.PersistenceIdOf(vm)) is var seqs && !seqs.SequenceEqual([(long)snapshotAt]))
        {
            Assert.True(watch.Elapsed < Timeout, $"no single snapshot at {snapshotAt} within {Timeout}");
            await Task.Delay(50, Ct);
        }

        return await log.Ask<RecoveredState>(GetRecoveredState.Instance, Timeout, Ct);
    }

    private static async Task AssertRecoversAsync(ActorSystem system, string vm, RecoveredState live, long replayed)
    {
        var log = system.ActorOf(RebalancerEventLog.Props(vm, InForce(), SnapshotEvery));
        var recovered = await log.Ask<RecoveredState>(GetRecoveredState.Instance, Timeout, Ct);
        Assert.Equal((live.SequenceNr, true, replayed), (recovered.SequenceNr, recovered.FromSnapshot, recovered.EventsReplayed));
        Assert.Equal(
            Encoding.UTF8.GetString(RebalancerEventFormat.ToBytes(live.State)),
            Encoding.UTF8.GetString(RebalancerEventFormat.ToBytes(recovered.State)));

        // the highest event was kept: the next one is numbered after it
        var next = await log.Ask<EventRecorded>(new RecordEvent(new RebalancingResumed(T0, "member-b")), Timeout, Ct);
        Assert.Equal(live.SequenceNr + 1, next.SequenceNr);
    }

    private static async Task<List<long>> SequenceNumbersAsync(MigrationLogDb db, string table, string persistenceId)
    {
        await using var connection = db.CreateConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select sequence_number from {table} where persistence_id = '{persistenceId}' order by sequence_number";
        var list = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            list.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        return list;
    }

    private static async Task<long> ScalarAsync(MigrationLogDb db, string sql)
    {
        await using var connection = db.CreateConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(MigrationLogDb db, string sql)
    {
        await using DbConnection connection = db.CreateConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<RunningSystem> StartAsync(StoreLocation store)
    {
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka("retain-test", builder => builder.WithRebalancerStore(store)))
            .Build();
        await host.StartAsync(Ct);
        return new RunningSystem(host, host.Services.GetRequiredService<ActorSystem>());
    }

    private sealed record RunningSystem(IHost Host, ActorSystem System) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.StopAsync(CancellationToken.None);
            Host.Dispose();
        }
    }
}
