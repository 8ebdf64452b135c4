using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;

namespace GiantVm.Coordinator.Persistence;

/// <summary>Wiring of the rebalancers' journal and snapshot store (Akka.Persistence.Sql, Linq2Db) and of their events' serializer.</summary>
public static class RebalancerStore
{
    /// <summary>
    /// The default journal and snapshot store in <paramref name="store"/> (tables <c>journal</c>,
    /// <c>tags</c>, <c>snapshot</c> created on first start), and the events' serializer bound to
    /// their types.
    /// </summary>
    public static AkkaConfigurationBuilder WithRebalancerStore(this AkkaConfigurationBuilder builder, StoreLocation store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.SqlitePath is { } file && Path.GetDirectoryName(file) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return builder
            .WithSqlPersistence(
                journal =>
                {
                    journal.ConnectionString = store.ConnectionString;
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
            .WithCustomSerializer("giantvm-rebalancer", RebalancerEventFormat.Types, system => new RebalancerEventSerializer(system));
    }
}
