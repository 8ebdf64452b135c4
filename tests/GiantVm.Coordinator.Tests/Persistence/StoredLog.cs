using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using GiantVm.Coordinator.Persistence;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Tests.Persistence;

/// <summary>
/// The migration log records a rebalancer persisted so far, read straight from the store's
/// journal (the query side the read model's projection uses), in journal order.
/// </summary>
internal sealed class StoredLog(ActorSystem system, string vm = "giantvm")
{
    public IReadOnlyList<JournalRecord> ReadAll() => ReadAllAsync().GetAwaiter().GetResult();

    public async Task<IReadOnlyList<JournalRecord>> ReadAllAsync()
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var events = await journal.CurrentEventsByPersistenceId(RebalancerEventLog.PersistenceIdOf(vm), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), system.Materializer());
        return MigrationLogProjection.Rows(events).Select(r => r.Row).OfType<JournalRecord>().ToList();
    }
}
