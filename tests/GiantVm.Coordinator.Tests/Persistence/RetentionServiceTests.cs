using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Persistence;
using GiantVm.Scheduling.Journal;
using GiantVm.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GiantVm.Coordinator.Tests.Persistence;

/// <summary>One run of the retention job: its cutoff from the clock, its counts in the metric, and what it does when off or when the store fails.</summary>
public sealed class RetentionServiceTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("giantvm-retain-job-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private static RetentionService Service(TimeSpan? retain, MigrationLogDb db) =>
        new(new RetentionSettings(retain), db, new ServiceCollection().BuildServiceProvider(), new FakeTimeProvider(Now), NullLogger<RetentionService>.Instance);

    [Fact]
    public async Task RunOnce_CutsOffAtNowMinusRetain_AndCountsWhatWent()
    {
        var db = new MigrationLogDb(StoreLocation.Parse("sqlite:" + Path.Combine(_folder.FullName, "giantvm.db")));
        await db.EnsureSchemaAsync(Ct);
        // a journal with no rebalancer events yet (Akka.Persistence.Sql creates these tables on its first start)
        await using (var connection = db.CreateConnection())
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE journal (ordering INTEGER PRIMARY KEY, created BIGINT, persistence_id TEXT, sequence_number BIGINT);
                CREATE TABLE tags (ordering_id BIGINT, tag TEXT, persistence_id TEXT, sequence_nr BIGINT);
                CREATE TABLE snapshot (persistence_id TEXT, sequence_number BIGINT);
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        var d = StoredEvents.Decision;
        await db.WriteAsync(
        [
            new ProjectedRow(d with { Id = "a", MigrationId = "m-a", Time = Now.AddDays(-2).AddSeconds(-1), Seq = 1 }, 1),
            new ProjectedRow(d with { Id = "b", MigrationId = "m-b", Time = Now.AddDays(-2).AddSeconds(1), Seq = 2 }, 2),
            new ProjectedRow(new StateChangeRow("giantvm", 3, 3, Now.AddDays(-3), "pause", "member-a", null, null), 3),
        ], Ct);
        var rowsBefore = CoordinatorMetrics.RetentionDeleted.WithLabels("migration_rows").Value;
        var changesBefore = CoordinatorMetrics.RetentionDeleted.WithLabels("state_changes").Value;

        var run = await Service(TimeSpan.FromDays(2), db).RunOnceAsync(Ct);

        Assert.Equal(new RetentionRun(Now.AddDays(-2), 1, 1, 0, 0), run);
        Assert.Equal(["b"], (await db.QueryAsync(JournalQuery.All, Ct)).Select(r => r.Id));
        Assert.Equal(1, CoordinatorMetrics.RetentionDeleted.WithLabels("migration_rows").Value - rowsBefore);
        Assert.Equal(1, CoordinatorMetrics.RetentionDeleted.WithLabels("state_changes").Value - changesBefore);
    }

    [Fact]
    public async Task RunOnce_WhenOff_DeletesNothing()
    {
        var db = new MigrationLogDb(StoreLocation.Parse("sqlite:" + Path.Combine(_folder.FullName, "giantvm.db")));
        await db.EnsureSchemaAsync(Ct);
        await db.WriteAsync([new ProjectedRow(StoredEvents.Decision with { Time = Now.AddYears(-5), Seq = 1 }, 1)], Ct);

        Assert.Null(await Service(null, db).RunOnceAsync(Ct));
        Assert.Single(await db.QueryAsync(JournalQuery.All, Ct));
    }

    [Fact]
    public async Task RunOnce_OfAStoreThatIsNotThere_IsLoggedAndTriedLater_NotThrown()
    {
        var db = new MigrationLogDb(StoreLocation.Parse($"postgres://giantvm@127.0.0.1:{FreePort.Next()}/giantvm"));

        Assert.Null(await Service(TimeSpan.FromDays(30), db).RunOnceAsync(Ct));
    }
}
