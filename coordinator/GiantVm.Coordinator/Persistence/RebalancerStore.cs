using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;

namespace GiantVm.Coordinator.Persistence;

/// <summary>Wiring of the rebalancers' journal and snapshot store (Akka.Persistence.Sql, Linq2Db) and of their events' serializer.</summary>
public static class RebalancerStore
{
    /// <summary>The configuration key of this actor system's journal writer id (see <see cref="RebalancerFence"/>).</summary>
    public const string WriterSetting = "giantvm.rebalancer-fence.writer";

    /// <summary>
    /// The default journal and snapshot store in <paramref name="store"/> (tables <c>journal</c>,
    /// <c>tags</c>, <c>snapshot</c> created on first start), and the events' serializer bound to
    /// their types.
    /// </summary>
    public static AkkaConfigurationBuilder WithRebalancerStore(this AkkaConfigurationBuilder builder, StoreLocation store)
    {
        ArgumentNullException.ThrowIfNull(store);

        // On PostgreSQL every journal connection carries this process's writer id, which the
        // rebalancer fence's trigger compares with the fence's holder.
        var writer = Guid.NewGuid().ToString("N");
        var connectionString = store.Kind == StoreKind.Postgres
            ? new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString) { Options = "-c giantvm.writer=" + writer }.ConnectionString
            : store.ConnectionString;
        if (store.SqlitePath is { } file && Path.GetDirectoryName(file) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return builder
            .WithSqlPersistence(
                journal =>
                {
                    journal.ConnectionString = connectionString;
                    journal.ProviderName = store.ProviderName;
                    journal.AutoInitialize = true;
                    // the migration log's read model follows the journal this closely
                    journal.QueryRefreshInterval = MigrationLogProjection.RefreshInterval;
                },
                snapshots =>
                {
                    snapshots.ConnectionString = store.ConnectionString;
                    snapshots.ProviderName = store.ProviderName;
                    snapshots.AutoInitialize = true;
                })
            .AddHocon($"{WriterSetting} = \"{writer}\"", HoconAddMode.Append)
            .WithCustomSerializer("giantvm-rebalancer", RebalancerEventFormat.Types, system => new RebalancerEventSerializer(system));
    }
}
