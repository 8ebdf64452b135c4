using System.Data.Common;
using System.Globalization;
using System.Text;
using GiantVm.Scheduling.Journal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GiantVm.Coordinator.Persistence;

/// <summary>A row the projection writes, with its event's global position in the journal.</summary>
public sealed record ProjectedRow(object Row, long Ordering);

/// <summary>
/// The migration log's read model, in the same database as the rebalancers' journal: one row per
/// migration log record (<c>giantvm_migration_log</c>, indexed by instance and position, time,
/// pid and migration), the state changes (<c>giantvm_state_changes</c>) and a view with one row
/// per migration and its latest status (<c>giantvm_migrations</c>). Written only by
/// <see cref="MigrationLogProjection"/> (idempotently: a row already there is left alone, so
/// every member may project the same events), read by <c>giantvmctl migrations</c>. Plain SQL
/// that SQLite and PostgreSQL both run; the schema is in docs/state.md.
/// </summary>
public sealed class MigrationLogDb(StoreLocation store)
{
    /// <summary>Times are stored as fixed-width UTC text, so text order is time order in both databases.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>The projection's row in <c>giantvm_read_model_position</c>.</summary>
    private const string PositionName = "migration_log";

    public StoreLocation Store { get; } = store;

    private bool IsPostgres => Store.Kind == StoreKind.Postgres;

    public DbConnection CreateConnection() => IsPostgres
        ? new NpgsqlConnection(Store.ConnectionString)
        : new SqliteConnection(Store.ConnectionString);

    /// <summary>
    /// True for the exceptions a store that is down, unreachable or slow throws (what the callers
    /// turn into UNAVAILABLE or a retry), in one place for every reader and writer of the store.
    /// </summary>
    public static bool IsStoreFailure(Exception e) =>
        e is DbException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException;

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Creates the tables, indexes and view when missing (every member may run it at once).</summary>
    public async Task EnsureSchemaAsync(CancellationToken token)
    {
        await using var connection = await OpenAsync(token);
        if (!IsPostgres)
        {
            // readers do not block the journal's writer; the mode is kept in the file
            await using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(token);
        }

        await using var transaction = await connection.BeginTransactionAsync(token);
        if (IsPostgres)
        {
            // concurrent CREATE ... IF NOT EXISTS can still collide in PostgreSQL's catalog
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(1919191919)", token);
        }

        foreach (var statement in Schema(IsPostgres))
        {
            await ExecuteAsync(connection, transaction, statement, token);
        }

        await transaction.CommitAsync(token);
    }

    /// <summary>The statements that create the read model (documented in docs/state.md).</summary>
    public static IReadOnlyList<string> Schema(bool postgres) =>
    [
        """
        CREATE TABLE IF NOT EXISTS giantvm_migration_log (
          id VARCHAR(64) PRIMARY KEY,
          ordering BIGINT NOT NULL,
          vm VARCHAR(255) NOT NULL,
          seq BIGINT NOT NULL,
          kind VARCHAR(16) NOT NULL,
          migration_id VARCHAR(64) NOT NULL,
          command_id VARCHAR(64),
          time VARCHAR(32) NOT NULL,
          migration_trigger VARCHAR(16) NOT NULL,
          dry_run BOOLEAN NOT NULL,
          pid INTEGER NOT NULL,
          comm TEXT,
          from_node INTEGER,
          to_node INTEGER,
          status VARCHAR(16) NOT NULL,
          actor TEXT,
          member TEXT,
          reason TEXT,
          error TEXT,
          record TEXT NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS giantvm_migration_log_vm_ordering ON giantvm_migration_log (vm, ordering)",
        "CREATE INDEX IF NOT EXISTS giantvm_migration_log_ordering ON giantvm_migration_log (ordering)",
        "CREATE INDEX IF NOT EXISTS giantvm_migration_log_vm_time ON giantvm_migration_log (vm, time)",
        "CREATE INDEX IF NOT EXISTS giantvm_migration_log_vm_pid ON giantvm_migration_log (vm, pid)",
        "CREATE INDEX IF NOT EXISTS giantvm_migration_log_migration ON giantvm_migration_log (migration_id)",
        """
        CREATE TABLE IF NOT EXISTS giantvm_state_changes (
          vm VARCHAR(255) NOT NULL,
          seq BIGINT NOT NULL,
          ordering BIGINT NOT NULL,
          time VARCHAR(32) NOT NULL,
          kind VARCHAR(16) NOT NULL,
          member TEXT,
          actor TEXT,
          detail TEXT,
          PRIMARY KEY (vm, seq)
        )
        """,
        "CREATE INDEX IF NOT EXISTS giantvm_state_changes_ordering ON giantvm_state_changes (ordering)",
        """
        CREATE TABLE IF NOT EXISTS giantvm_read_model_position (
          name VARCHAR(64) PRIMARY KEY,
          ordering BIGINT NOT NULL
        )
        """,
        (postgres ? "CREATE OR REPLACE VIEW" : "CREATE VIEW IF NOT EXISTS") + """
         giantvm_migrations AS
        SELECT d.vm, d.migration_id, d.time AS decided_at, d.migration_trigger, d.dry_run, d.pid, d.comm,
               d.from_node, d.to_node, d.actor, d.reason,
               COALESCE((SELECT r.status FROM giantvm_migration_log r
                         WHERE r.migration_id = d.migration_id AND r.kind = 'result'
                         ORDER BY r.ordering DESC LIMIT 1), d.status) AS status,
               (SELECT r.time FROM giantvm_migration_log r
                WHERE r.migration_id = d.migration_id AND r.kind = 'result'
                ORDER BY r.ordering DESC LIMIT 1) AS finished_at
        FROM giantvm_migration_log d
        WHERE d.kind = 'decision'
        """,
        """
        CREATE TABLE IF NOT EXISTS giantvm_instances (
          vm VARCHAR(255) PRIMARY KEY,
          first_seen VARCHAR(32) NOT NULL
        )
        """,
    ];

    /// <summary>One round trip to the store (<c>SELECT 1</c>): its latency, or the store's error.</summary>
    public async Task<(bool Reachable, TimeSpan Latency, string? Error)> PingAsync(TimeSpan timeout, CancellationToken token)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
        limit.CancelAfter(timeout);
        try
        {
            await using var connection = await OpenAsync(limit.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(limit.Token);
            return (true, System.Diagnostics.Stopwatch.GetElapsedTime(started), null);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return (false, System.Diagnostics.Stopwatch.GetElapsedTime(started), $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return (false, System.Diagnostics.Stopwatch.GetElapsedTime(started), e.GetBaseException().Message);
        }
    }

    /// <summary>
    /// The highest journal position projected so far (0: none): the position recorded with the
    /// rows (<c>giantvm_read_model_position</c>, which retention does not delete, so that a read
    /// model whose old rows were deleted is not projected again), or the rows' own (a read
    /// model written before that table existed).
    /// </summary>
    public async Task<long> ProjectedUpToAsync(CancellationToken token)
    {
        await using var connection = await OpenAsync(token);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(m) FROM (SELECT MAX(ordering) AS m FROM giantvm_migration_log UNION ALL SELECT MAX(ordering) AS m FROM giantvm_state_changes UNION ALL SELECT MAX(ordering) AS m FROM giantvm_read_model_position) x";
        var value = await command.ExecuteScalarAsync(token);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Writes the rows in one transaction; a row already there (same record id, or same instance and sequence number) is left as it is.</summary>
    public async Task WriteAsync(IReadOnlyList<ProjectedRow> rows, CancellationToken token)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(token);
        await using var transaction = await connection.BeginTransactionAsync(token);
        foreach (var row in rows)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            switch (row.Row)
            {
                case JournalRecord r:
                    command.CommandText = """
                        INSERT INTO giantvm_migration_log
                          (id, ordering, vm, seq, kind, migration_id, command_id, time, migration_trigger, dry_run, pid, comm,
                           from_node, to_node, status, actor, member, reason, error, record)
                        VALUES (@id, @ordering, @vm, @seq, @kind, @migration_id, @command_id, @time, @trigger, @dry_run, @pid, @comm,
                           @from_node, @to_node, @status, @actor, @member, @reason, @error, @record)
                        ON CONFLICT DO NOTHING
                        """;
                    Add(command, "id", r.Id);
                    Add(command, "ordering", row.Ordering);
                    Add(command, "vm", r.Vm);
                    Add(command, "seq", r.Seq ?? 0);
                    Add(command, "kind", r.Kind);
                    Add(command, "migration_id", r.MigrationId);
                    Add(command, "command_id", r.CommandId);
                    Add(command, "time", FormatTime(r.Time));
                    Add(command, "trigger", r.Trigger);
                    Add(command, "dry_run", r.DryRun);
                    Add(command, "pid", r.Pid);
                    Add(command, "comm", r.Comm);
                    Add(command, "from_node", r.From);
                    Add(command, "to_node", r.To);
                    Add(command, "status", r.Status);
                    Add(command, "actor", r.Actor);
                    Add(command, "member", r.Member);
                    Add(command, "reason", r.Reason);
                    Add(command, "error", r.Error);
                    Add(command, "record", JournalJson.Serialize(r));
                    break;
                case StateChangeRow s:
                    command.CommandText = """
                        INSERT INTO giantvm_state_changes (vm, seq, ordering, time, kind, member, actor, detail)
                        VALUES (@vm, @seq, @ordering, @time, @kind, @member, @actor, @detail)
                        ON CONFLICT DO NOTHING
                        """;
                    Add(command, "vm", s.Vm);
                    Add(command, "seq", s.Seq);
                    Add(command, "ordering", row.Ordering);
                    Add(command, "time", FormatTime(s.Time));
                    Add(command, "kind", s.Kind);
                    Add(command, "member", s.Member);
                    Add(command, "actor", s.Actor);
                    Add(command, "detail", s.Detail);
                    break;
                default:
                    throw new ArgumentException($"not a read model row: {row.Row.GetType().Name}", nameof(rows));
            }

            await command.ExecuteNonQueryAsync(token);
        }

        await using (var position = connection.CreateCommand())
        {
            position.Transaction = transaction;
            position.CommandText = """
                INSERT INTO giantvm_read_model_position (name, ordering) VALUES (@name, @ordering)
                ON CONFLICT (name) DO UPDATE SET ordering = CASE WHEN excluded.ordering > giantvm_read_model_position.ordering
                  THEN excluded.ordering ELSE giantvm_read_model_position.ordering END
                """;
            Add(position, "name", PositionName);
            Add(position, "ordering", rows.Max(r => r.Ordering));
            await position.ExecuteNonQueryAsync(token);
        }

        await transaction.CommitAsync(token);
    }

    /// <summary>
    /// Deletes the migrations whose latest record (decision or result) is older than
    /// <paramref name="cutoff"/> (all their rows) and the state changes older than it; returns
    /// how many rows of each went. The projected position is kept.
    /// </summary>
    public async Task<(int MigrationRows, int StateChanges)> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken token)
    {
        await using var connection = await OpenAsync(token);
        await using var transaction = await connection.BeginTransactionAsync(token);
        await using var migrations = connection.CreateCommand();
        migrations.Transaction = transaction;
        migrations.CommandText = """
            DELETE FROM giantvm_migration_log WHERE migration_id IN (
              SELECT migration_id FROM giantvm_migration_log GROUP BY migration_id HAVING MAX(time) < @cutoff)
            """;
        Add(migrations, "cutoff", FormatTime(cutoff));
        var migrationRows = await migrations.ExecuteNonQueryAsync(token);
        await using var changes = connection.CreateCommand();
        changes.Transaction = transaction;
        changes.CommandText = "DELETE FROM giantvm_state_changes WHERE time < @cutoff";
        Add(changes, "cutoff", FormatTime(cutoff));
        var stateChanges = await changes.ExecuteNonQueryAsync(token);
        await transaction.CommitAsync(token);
        return (migrationRows, stateChanges);
    }

    /// <summary>The records <paramref name="query"/> selects, in journal order (the newest <see cref="JournalQuery.Limit"/> when it has one).</summary>
    public async Task<IReadOnlyList<JournalRecord>> QueryAsync(JournalQuery query, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(token);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT record FROM giantvm_migration_log WHERE 1 = 1");
        if (!string.IsNullOrEmpty(query.Vm))
        {
            sql.Append(" AND vm = @vm");
            Add(command, "vm", query.Vm);
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND time >= @since");
            Add(command, "since", FormatTime(since));
        }

        if (query.Node is { } node)
        {
            sql.Append(" AND (from_node = @node OR to_node = @node)");
            Add(command, "node", node);
        }

        if (query.Pid is { } pid)
        {
            sql.Append(" AND pid = @pid");
            Add(command, "pid", pid);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Select((s, i) => (Name: "status" + i.ToString(CultureInfo.InvariantCulture), Value: s)).ToList();
            sql.Append(" AND status IN (").AppendJoin(", ", names.Select(n => "@" + n.Name)).Append(')');
            foreach (var (name, value) in names)
            {
                Add(command, name, value);
            }
        }

        sql.Append(query.Limit > 0 ? " ORDER BY ordering DESC LIMIT @limit" : " ORDER BY ordering");
        if (query.Limit > 0)
        {
            Add(command, "limit", query.Limit);
        }

        command.CommandText = sql.ToString();
        var records = new List<JournalRecord>();
        await using (var reader = await command.ExecuteReaderAsync(token))
        {
            while (await reader.ReadAsync(token))
            {
                records.Add(JournalJson.Parse(reader.GetString(0), "giantvm_migration_log", records.Count + 1));
            }
        }

        if (query.Limit > 0)
        {
            records.Reverse();
        }

        return records;
    }

    /// <summary>The state changes of <paramref name="vm"/> (all instances when null), oldest first, the newest <paramref name="limit"/> when positive.</summary>
    public async Task<IReadOnlyList<StateChangeRow>> StateChangesAsync(string? vm, int limit, CancellationToken token)
    {
        await using var connection = await OpenAsync(token);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT vm, seq, ordering, time, kind, member, actor, detail FROM giantvm_state_changes");
        if (!string.IsNullOrEmpty(vm))
        {
            sql.Append(" WHERE vm = @vm");
            Add(command, "vm", vm);
        }

        sql.Append(limit > 0 ? " ORDER BY ordering DESC LIMIT @limit" : " ORDER BY ordering");
        if (limit > 0)
        {
            Add(command, "limit", limit);
        }

        command.CommandText = sql.ToString();
        var rows = new List<StateChangeRow>();
        await using (var reader = await command.ExecuteReaderAsync(token))
        {
            while (await reader.ReadAsync(token))
            {
                rows.Add(new StateChangeRow(
                    reader.GetString(0),
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    DateTimeOffset.ParseExact(reader.GetString(3), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                    reader.GetString(4),
                    reader.IsDBNull(5) ? "" : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        if (limit > 0)
        {
            rows.Reverse();
        }

        return rows;
    }

    /// <summary>
    /// Records <paramref name="vm"/> as an instance unless <paramref name="max"/> instances are
    /// recorded already (one statement: the count and the insert are checked together); true when
    /// the instance is recorded (now or before).
    /// </summary>
    public async Task<bool> AdmitInstanceAsync(string vm, int max, DateTimeOffset now, CancellationToken token)
    {
        await using var connection = await OpenAsync(token);
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO giantvm_instances (vm, first_seen)
                SELECT @vm, @time WHERE (SELECT COUNT(*) FROM giantvm_instances) < @max
                ON CONFLICT DO NOTHING
                """;
            Add(insert, "vm", vm);
            Add(insert, "time", FormatTime(now));
            Add(insert, "max", max);
            await insert.ExecuteNonQueryAsync(token);
        }

        await using var check = connection.CreateCommand();
        check.CommandText = "SELECT COUNT(*) FROM giantvm_instances WHERE vm = @vm";
        Add(check, "vm", vm);
        return Convert.ToInt64(await check.ExecuteScalarAsync(token), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Every recorded instance, by name.</summary>
    public async Task<IReadOnlyList<string>> InstancesAsync(CancellationToken token)
    {
        await using var connection = await OpenAsync(token);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT vm FROM giantvm_instances ORDER BY vm";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(token);
        while (await reader.ReadAsync(token))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    internal async Task<DbConnection> OpenAsync(CancellationToken token)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(token);
            if (!IsPostgres)
            {
                // a busy file is waited for (per connection; WAL mode is set once, in EnsureSchemaAsync)
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA busy_timeout=10000;";
                await pragma.ExecuteNonQueryAsync(token);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken token)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(token);
    }

    internal static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
