using System.Text;
using Akka.Actor;
using Akka.Hosting;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Policies;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using static GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping.BookkeepingFixture;

namespace GiantVm.Coordinator.Tests.Persistence;

/// <summary>
/// The rebalancer's events persisted through Akka.Persistence.Sql into a real SQLite file and a
/// real (throwaway) PostgreSQL server, then recovered by a new actor system: snapshot plus the
/// events after it give the state the live bookkeeping had.
/// </summary>
public sealed class RebalancerEventLogTests
{
    private const int SnapshotEvery = 3;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_PersistsTheEvents_AndANewSystemRecoversTheSameState()
    {
        var folder = Directory.CreateTempSubdirectory("giantvm-store-");
        try
        {
            var store = StoreLocation.Parse("sqlite:" + Path.Combine(folder.FullName, "sub", "giantvm.db"));
            async Task<long> Scalar(string sql)
            {
                await using var connection = new SqliteConnection(store.ConnectionString);
                await connection.OpenAsync(Ct);
                var command = connection.CreateCommand();
                command.CommandText = sql;
                return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
            }

            var recorded = await PersistThenRecoverAsync(store, Scalar);

            Assert.Equal(recorded, await Scalar("select count(*) from journal where persistence_id = 'rebalancer-giantvm'"));
            Assert.Equal(recorded, await Scalar("select max(sequence_number) from journal where persistence_id = 'rebalancer-giantvm'"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "postgres")]
    public async Task Postgres_PersistsTheEvents_AndANewSystemRecoversTheSameState()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        var store = StoreLocation.Parse(postgres.StoreUri);

        async Task<long> Scalar(string sql)
        {
            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync(Ct);
            return Convert.ToInt64(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        var recorded = await PersistThenRecoverAsync(store, Scalar);

        Assert.Equal(recorded, await Scalar("select count(*) from journal where persistence_id = 'rebalancer-giantvm'"));
        Assert.Equal(recorded, await Scalar("select max(sequence_number) from journal where persistence_id = 'rebalancer-giantvm'"));
    }

    /// <summary>Records a live session's events in one system, recovers them in another; returns how many were recorded.</summary>
    [Fact]
    [Trait("Category", "postgres")]
    public async Task Postgres_AStaleWriterOfTheSameInstance_PersistsNothingOnceANewerOneTookTheFence_EvenASequenceNumberStillFree()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        var store = StoreLocation.Parse(postgres.StoreUri);
        var events = StoredEvents.All;
        await using var old = await StartAsync(store);
        await using var current = await StartAsync(store);
        var deposed = old.System.ActorOf(RebalancerEventLog.Props("giantvm", InForce(), 100));
        Assert.Equal(1, (await deposed.Ask<EventRecorded>(new RecordEvent(events[4]), AskTimeout, Ct)).SequenceNr);
        var live = current.System.ActorOf(RebalancerEventLog.Props("giantvm", InForce(), 100));
        Assert.Equal(1, (await live.Ask<RecoveredState>(GetRecoveredState.Instance, AskTimeout, Ct)).SequenceNr);

        // Sequence number 2 is free, but the newer writer took the fence when it recovered.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => deposed.Ask<EventRecorded>(new RecordEvent(events[5]), AskTimeout, Ct));
        Assert.Contains("did not persist event 2 of rebalancer-giantvm", refused.Message, StringComparison.Ordinal);
        Assert.Contains("fenced", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await live.Ask<EventRecorded>(new RecordEvent(events[6]), AskTimeout, Ct)).SequenceNr);

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(Ct);
        await using (var reader = await new NpgsqlCommand(
            "select sequence_number, manifest from journal where persistence_id = 'rebalancer-giantvm' order by sequence_number", connection).ExecuteReaderAsync(Ct))
        {
            var rows = new List<(long, string)>();
            while (await reader.ReadAsync(Ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1)));
            }

            Assert.Equal([(1L, RebalancerEventFormat.NodeDrained), (2L, RebalancerEventFormat.Paused)], rows);
        }

        Assert.Equal(2L, await new NpgsqlCommand("select epoch from giantvm_rebalancer_fence where vm = 'giantvm'", connection).ExecuteScalarAsync(Ct));
    }

    /// <param name="scalar">Runs a query of one number against the store's database.</param>
    private static async Task<long> PersistThenRecoverAsync(StoreLocation store, Func<string, Task<long>> scalar)
    {
        var (events, live) = LiveSession();
        await using (var first = await StartAsync(store))
        {
            var log = first.System.ActorOf(RebalancerEventLog.Props("giantvm", InForce(), SnapshotEvery));
            var single = events.Count / 2;
            for (var i = 0; i < single; i++)
            {
                var recorded = await log.Ask<EventRecorded>(new RecordEvent(events[i]), AskTimeout, Ct);
                Assert.Equal(i + 1, recorded.SequenceNr);
            }

            // the rest in one write (as the rebalancer records the results received together): one reply, the last one's sequence number
            var batch = await log.Ask<EventRecorded>(new RecordEvents(events.Skip(single).ToList()), AskTimeout, Ct);
            Assert.Equal(events.Count, batch.SequenceNr);

            // the snapshot of the last multiple of N is saved after that event's reply: wait until it is in the store
            var snapshotAt = events.Count / SnapshotEvery * SnapshotEvery;
            var deadline = DateTime.UtcNow + AskTimeout;
            while (await scalar("select coalesce(max(sequence_number), 0) from snapshot where persistence_id = 'rebalancer-giantvm'") != snapshotAt)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no snapshot at {snapshotAt} within {AskTimeout}");
                await Task.Delay(50, Ct);
            }
        }

        await using var second = await StartAsync(store);
        var recovered = await second.System.ActorOf(RebalancerEventLog.Props("giantvm", InForce(), SnapshotEvery))
            .Ask<RecoveredState>(GetRecoveredState.Instance, AskTimeout, Ct);

        Assert.Equal(events.Count, recovered.SequenceNr);
        Assert.True(recovered.FromSnapshot);
        Assert.Equal(events.Count % SnapshotEvery, recovered.EventsReplayed);
        Assert.Equal(
            Encoding.UTF8.GetString(RebalancerEventFormat.ToBytes(live.TakeSnapshot())),
            Encoding.UTF8.GetString(RebalancerEventFormat.ToBytes(recovered.State)));
        var restored = Book();
        restored.Restore(recovered.State);
        Assert.Equal((2, true, "window"), (restored.Policy.Version, restored.Paused, restored.PauseReason));
        Assert.Equal([0], restored.Drained);
        Assert.Equal(4343, Assert.Single(restored.Pending).Value.Decision.Pid);
        return events.Count;
    }

    /// <summary>A rebalancer session through the bookkeeping: reload, a decision and its result, a second decision still pending, drains, a pause (8 events).</summary>
    private static (List<RebalancerEvent> Events, RebalancerBookkeeping Live) LiveSession()
    {
        var live = Book();
        var report = HotNodeZero(T0);
        live.ObserveGuestReport(report with { Tasks = [.. report.Tasks, new(4343, 0) { StartTime = 7, Comm = "be", RssBytes = 1 << 20, CpuCores = 0.5 }] }, T0);
        var events = new List<RebalancerEvent>();
        void Record(RebalancerEvent e)
        {
            events.Add(e);
            live.Apply(e);
        }

        var text = PolicyText(cooldown: "45s");
        Record(live.PlanReload(T0, PolicyLoader.Load(text, "p.yaml"), text, "p.yaml").Event!);
        var round = live.PlanRound(T0, live.Policy.Policy, MigrationTriggers.Auto, keepState: true).Decisions.Select(d => d.Event).ToList();
        round.ForEach(Record);
        var first = round.Single(d => d.Decision.Pid == 4242);
        Record(live.PlanResult(T0.AddSeconds(2), AgentResult(first.Decision.CommandId!, first.Decision.MigrationId, MigrationStatuses.Done))!);
        var later = T0.AddSeconds(5);
        if (round.All(d => d.Decision.Pid != 4343))
        {
            var second = live.PlanMove(later, 4343, 1, dryRun: false).Planned;
            Assert.NotNull(second);
            Record(second.Event);
        }
        Record(live.PlanDrain(later, 1, evacuate: false).Event!);
        Record(live.PlanUndrain(later, 1));
        Record(live.PlanDrain(later, 0, evacuate: false).Event!);
        Record(live.PlanPause(later, "window"));
        Assert.Equal(8, events.Count);
        return (events, live);
    }

    private static async Task<RunningSystem> StartAsync(StoreLocation store)
    {
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka("store-test", builder => builder.WithRebalancerStore(store)))
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
