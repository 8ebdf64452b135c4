using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Coordinator.Tests.Journal;
using GiantVm.Scheduling.Journal;
using GiantVm.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace GiantVm.Coordinator.Tests.Persistence;

/// <summary>
/// The migration log's read model on a real SQLite file and a real (throwaway) PostgreSQL: the
/// rows the projection writes from events, the queries <c>giantvmctl migrations</c> makes, writes
/// that repeat (every member projects the same events), and the store's ping.
/// </summary>
public sealed class MigrationLogDbTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("giantvm-readmodel-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private MigrationLogDb Sqlite() => new(StoreLocation.Parse("sqlite:" + Path.Combine(_folder.FullName, "giantvm.db")));

    /// <summary>Two migrations of instance giantvm (one done, one still pending), one of another instance, and a drain by alice.</summary>
    private static IReadOnlyList<ProjectedRow> Session()
    {
        var a = JournalJsonTests.Decision("m-a", pid: 100, from: 0, to: 1) with { Time = T0, Actor = "spiffe://giantvm/operator/alice", Trigger = MigrationTriggers.Move };
        var aDone = a with { Id = "res-a", Kind = JournalKinds.Result, Status = MigrationStatuses.Done, Time = T0.AddSeconds(2), PagesMoved = 10 };
        var b = JournalJsonTests.Decision("m-b", pid: 200, from: 2, to: 3) with { Time = T0.AddSeconds(5) };
        var other = JournalJsonTests.Decision("m-c", pid: 300, from: 0, to: 1) with { Vm = "other", Time = T0.AddSeconds(6) };
        var events = new (string Vm, long Seq, long Ordering, object Event)[]
        {
            ("giantvm", 1, 1, new Decided(a, T0.AddSeconds(30), true)),
            ("giantvm", 2, 2, new NodeDrained(T0.AddSeconds(1), "m1", 3, Evacuate: false) { Actor = "spiffe://giantvm/operator/alice" }),
            ("giantvm", 3, 4, new ResultRecorded(aDone, ResultOrigins.Agent)),
            ("other", 1, 5, new Decided(other, T0.AddSeconds(36), true)),
            ("giantvm", 4, 6, new Decided(b, T0.AddSeconds(35), true)),
        };
        return [.. events.Select(e => new ProjectedRow(MigrationLogRows.From(e.Vm, e.Seq, e.Ordering, e.Event)!, e.Ordering))];
    }

    private static async Task ReadModelBehaviourAsync(MigrationLogDb db)
    {
        await db.EnsureSchemaAsync(Ct);
        await db.EnsureSchemaAsync(Ct); // every member runs it at start
        Assert.Equal(0, await db.ProjectedUpToAsync(Ct));

        var rows = Session();
        await db.WriteAsync(rows, Ct);
        await db.WriteAsync(rows.Skip(2).ToList(), Ct); // another member projects the same events

        Assert.Equal(6, await db.ProjectedUpToAsync(Ct));
        var all = await db.QueryAsync(new JournalQuery(Vm: "giantvm"), Ct);
        Assert.Equal(["r-m-a", "res-a", "r-m-b"], all.Select(r => r.Id));
        Assert.Equal([1L, 3L, 4L], all.Select(r => r.Seq ?? 0));
        Assert.Equal("spiffe://giantvm/operator/alice", all[0].Actor);
        Assert.Equal(10, all[1].PagesMoved);

        Assert.Equal(["r-m-b"], (await db.QueryAsync(new JournalQuery(Vm: "giantvm", Pid: 200), Ct)).Select(r => r.Id));
        Assert.Equal(["r-m-b"], (await db.QueryAsync(new JournalQuery(Vm: "giantvm", Node: 3), Ct)).Select(r => r.Id));
        Assert.Equal(["res-a"], (await db.QueryAsync(new JournalQuery(Vm: "giantvm", Statuses: [MigrationStatuses.Done]), Ct)).Select(r => r.Id));
        Assert.Equal(["r-m-b"], (await db.QueryAsync(new JournalQuery(Vm: "giantvm", Since: T0.AddSeconds(3)), Ct)).Select(r => r.Id));
        Assert.Equal(["res-a", "r-m-b"], (await db.QueryAsync(new JournalQuery(Vm: "giantvm", Limit: 2), Ct)).Select(r => r.Id));
        Assert.Equal(["r-m-c"], (await db.QueryAsync(new JournalQuery(Vm: "other"), Ct)).Select(r => r.Id));
        Assert.Equal(4, (await db.QueryAsync(JournalQuery.All, Ct)).Count);

        var drain = Assert.Single(await db.StateChangesAsync("giantvm", 0, Ct));
        Assert.Equal(("drain", "spiffe://giantvm/operator/alice", "node 3", 2L, T0.AddSeconds(1)), (drain.Kind, drain.Actor, drain.Detail, drain.Seq, drain.Time));

        var (reachable, _, error) = await db.PingAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(reachable, error);
    }

    [Fact]
    public Task Sqlite_ReadModel_ListsFiltersAndKeepsEachRowOnce() => ReadModelBehaviourAsync(Sqlite());

    [Fact]
    [Trait("Category", "postgres")]
    public async Task Postgres_ReadModel_ListsFiltersAndKeepsEachRowOnce()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        await ReadModelBehaviourAsync(new MigrationLogDb(StoreLocation.Parse(postgres.StoreUri)));
    }

    [Fact]
    public async Task Sqlite_TheMigrationsView_HasOneRowPerMigrationWithItsLatestStatus()
    {
        var db = Sqlite();
        await db.EnsureSchemaAsync(Ct);
        await db.WriteAsync(Session(), Ct);

        await using var connection = db.CreateConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "select migration_id, status, actor from giantvm_migrations where vm = 'giantvm' order by decided_at";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string, string, string?)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        Assert.Equal([("m-a", "done", "spiffe://giantvm/operator/alice"), ("m-b", "pending", null)], rows);
    }

    [Fact]
    public async Task Ping_OfAPostgresThatIsNotThere_SaysWhy()
    {
        var port = FreePort.Next(); // nothing listens there
        var db = new MigrationLogDb(StoreLocation.Parse($"postgres://giantvm@127.0.0.1:{port}/giantvm"));

        var (reachable, _, error) = await db.PingAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.False(reachable);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void StoreHealth_TurnsUnhealthyOnlyAfter30sOutOfReach_AndHealthyWhenBack()
    {
        var time = new FakeTimeProvider(T0);
        var health = new StoreHealth(time);
        Assert.Equal(HealthStatus.Healthy, health.Check().Status);

        health.Down("connection refused");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(HealthStatus.Healthy, health.Check().Status);
        health.Down("connection refused"); // still down: the outage started at the first failure
        time.Advance(TimeSpan.FromSeconds(2));
        var down = health.Check();
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Equal("store unreachable for 31 s: connection refused", down.Description);

        health.Up();
        Assert.Equal(HealthStatus.Healthy, health.Check().Status);
    }
}
