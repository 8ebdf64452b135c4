using System.Data.Common;
using System.Globalization;

namespace GiantVm.Coordinator.Persistence;

/// <summary>What one retention run deleted, and from which cutoff.</summary>
public sealed record RetentionRun(DateTimeOffset Cutoff, int MigrationRows, int StateChanges, int Events, int PersistenceIds);

/// <summary>
/// Deletes what <c>--retain</c> no longer keeps from the store: the migration log's read model
/// rows (<see cref="MigrationLogDb.DeleteOlderThanAsync"/>) and the rebalancers' journal events
/// that <see cref="RetentionPolicy.JournalDeleteUpTo"/> allows (older than the cutoff, covered by
/// the newest snapshot, never an entity's highest). Snapshots are kept. Every statement is
/// idempotent: two members running it at once delete the same rows.
/// </summary>
/// <remarks>
/// The events go by plain SQL on Akka.Persistence.Sql's tables (<c>journal</c> and its
/// <c>tags</c> rows, the statements its own <c>DeleteMessagesTo</c> runs) rather than through the
/// entity's <c>DeleteMessages</c>: only the table knows when each event was written
/// (<c>created</c>, in .NET ticks UTC), the run covers entities that are not running (passivated,
/// or hosted by another member), and the persistent actor stays as it is. Only the rebalancers'
/// persistence ids (<see cref="RebalancerEventLog.PersistenceIdPrefix"/>) are touched; other
/// writers' events (sharding's own) are not ours to delete.
/// </remarks>
public sealed class StoreRetention(MigrationLogDb db)
{
    public async Task<RetentionRun> RunAsync(DateTimeOffset cutoff, CancellationToken token)
    {
        var (migrationRows, stateChanges) = await db.DeleteOlderThanAsync(cutoff, token);
        var facts = await JournalFactsAsync(cutoff, token);
        var events = 0;
        var ids = 0;
        foreach (var f in facts)
        {
            if (RetentionPolicy.JournalDeleteUpTo(f) is { } upTo)
            {
                var deleted = await DeleteEventsAsync(f.PersistenceId, upTo, token);
                events += deleted;
                ids += deleted > 0 ? 1 : 0;
            }
        }

        return new RetentionRun(cutoff, migrationRows, stateChanges, events, ids);
    }

    /// <summary>Per rebalancer persistence id: its highest sequence number, its first event at or after <paramref name="cutoff"/>, its newest snapshot.</summary>
    public async Task<IReadOnlyList<JournalFacts>> JournalFactsAsync(DateTimeOffset cutoff, CancellationToken token)
    {
        await using var connection = await db.OpenAsync(token);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT j.persistence_id, MAX(j.sequence_number),
                   MIN(CASE WHEN j.created >= @cutoff THEN j.sequence_number END),
                   (SELECT MAX(s.sequence_number) FROM snapshot s WHERE s.persistence_id = j.persistence_id)
            FROM journal j
            WHERE j.persistence_id LIKE @prefix
            GROUP BY j.persistence_id
            ORDER BY j.persistence_id
            """;
        MigrationLogDb.Add(command, "cutoff", Ticks(cutoff));
        MigrationLogDb.Add(command, "prefix", RebalancerEventLog.PersistenceIdPrefix + "%");
        var facts = new List<JournalFacts>();
        await using var reader = await command.ExecuteReaderAsync(token);
        while (await reader.ReadAsync(token))
        {
            facts.Add(new JournalFacts(
                reader.GetString(0),
                Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                Nullable(reader, 2),
                Nullable(reader, 3)));
        }

        return facts;
    }

    /// <summary>The journal's <c>created</c> value of an event written at <paramref name="time"/> (.NET ticks, UTC).</summary>
    public static long Ticks(DateTimeOffset time) => time.UtcTicks;

    private async Task<int> DeleteEventsAsync(string persistenceId, long upTo, CancellationToken token)
    {
        await using var connection = await db.OpenAsync(token);
        await using var transaction = await connection.BeginTransactionAsync(token);
        await using (var tags = connection.CreateCommand())
        {
            tags.Transaction = transaction;
            tags.CommandText = "DELETE FROM tags WHERE persistence_id = @pid AND sequence_nr <= @upTo";
            MigrationLogDb.Add(tags, "pid", persistenceId);
            MigrationLogDb.Add(tags, "upTo", upTo);
            await tags.ExecuteNonQueryAsync(token);
        }

        int deleted;
        await using (var events = connection.CreateCommand())
        {
            events.Transaction = transaction;
            events.CommandText = "DELETE FROM journal WHERE persistence_id = @pid AND sequence_number <= @upTo";
            MigrationLogDb.Add(events, "pid", persistenceId);
            MigrationLogDb.Add(events, "upTo", upTo);
            deleted = await events.ExecuteNonQueryAsync(token);
        }

        await transaction.CommitAsync(token);
        return deleted;
    }

    private static long? Nullable(DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : Convert.ToInt64(reader.GetValue(column), CultureInfo.InvariantCulture);
}
