using Akka.Actor;
using Akka.Cluster;
using Npgsql;

namespace GiantVm.Coordinator.Persistence;

/// <summary>The fence row of one GiantVM instance: who took it last (a member's unique address) and how often it was taken.</summary>
public sealed record FenceHolder(long Epoch, string Member);

/// <summary>
/// The database-side fence of the rebalancers (PostgreSQL only; a SQLite store has one member).
/// Before a <see cref="RebalancerEventLog"/> recovers, it takes its instance's row of
/// <c>giantvm_rebalancer_fence(vm, epoch, member, writer, taken_at)</c>: epoch + 1, its member's
/// unique address and its process's writer id (a GUID per actor system that
/// <see cref="RebalancerStore"/> sets on every journal connection as the setting
/// <c>giantvm.writer</c>). A trigger on the journal refuses any <c>rebalancer-VM</c> event inserted by
/// a connection whose writer is not the row's: once a newer rebalancer took the fence, a deposed one (frozen, cut off) persists nothing
/// more, whatever its next sequence number. Taking the row and inserting an event lock the row
/// (<c>FOR UPDATE</c> / <c>FOR SHARE</c>), so an event is either committed before the take (and the
/// new rebalancer's recovery, which starts after the take, reads it) or refused.
/// A member does not take the row from another member that is Up in its own view of the cluster:
/// the deposed member, resumed, still sees its successor Up, so it cannot take the fence back
/// before the split brain resolver downs it.
/// </summary>
public sealed class RebalancerFence : IExtension
{
    /// <summary>The table and the trigger (created on first use, idempotent, serialized by an advisory lock).</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS giantvm_rebalancer_fence (
          vm text PRIMARY KEY, epoch bigint NOT NULL, member text NOT NULL, writer text NOT NULL, taken_at timestamptz NOT NULL);
        CREATE OR REPLACE FUNCTION giantvm_rebalancer_fence_check() RETURNS trigger LANGUAGE plpgsql AS $fence$
        DECLARE holder text;
        BEGIN
          IF NEW.persistence_id LIKE 'rebalancer-%' THEN
            SELECT writer INTO holder FROM giantvm_rebalancer_fence WHERE vm = substr(NEW.persistence_id, 12) FOR SHARE;
            IF holder IS NOT NULL AND holder IS DISTINCT FROM current_setting('giantvm.writer', true) THEN
              RAISE EXCEPTION 'fenced: a newer rebalancer of % holds the fence (giantvm_rebalancer_fence)', NEW.persistence_id
                USING ERRCODE = 'P0001';
            END IF;
          END IF;
          RETURN NEW;
        END $fence$;
        CREATE OR REPLACE TRIGGER giantvm_rebalancer_fence BEFORE INSERT ON journal
          FOR EACH ROW EXECUTE FUNCTION giantvm_rebalancer_fence_check();
        """;

    /// <summary>Serializes the schema statements and the takes of every member (any fixed number).</summary>
    private const long AdvisoryLock = 1919_0001;

    private const int JournalTableWaitMs = 10_000;

    private readonly string _connectionString;
    private readonly string _writer;
    private readonly Func<string> _self;
    private readonly Func<IReadOnlySet<string>> _upMembers;

    internal RebalancerFence(string connectionString, string writer, Func<string> self, Func<IReadOnlySet<string>> upMembers)
    {
        _connectionString = connectionString;
        _writer = writer;
        _self = self;
        _upMembers = upMembers;
    }

    /// <summary>
    /// Whether <paramref name="self"/> may take a fence now held by <paramref name="holder"/> (null:
    /// never taken): when it holds it already, it was released (no member), or the holder is no Up member of its cluster view.
    /// </summary>
    public static bool MayTake(FenceHolder? holder, string self, IReadOnlySet<string> upMembers) =>
        holder is null || holder.Member.Length == 0 || holder.Member == self || !upMembers.Contains(holder.Member);

    /// <summary>
    /// Releases <paramref name="vm"/>'s fence if this process's writer holds it (a rebalancer that
    /// stopped on a live member: shard hand-off, leaving): no writer may persist until the next
    /// rebalancer takes it, and that one may take it from this member although it is Up.
    /// </summary>
    public void Release(string vm)
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        Execute(connection, "UPDATE giantvm_rebalancer_fence SET member = '', writer = '', taken_at = now() WHERE vm = @vm AND writer = @writer",
            ("vm", vm), ("writer", _writer));
    }

    /// <summary>The fence of <paramref name="system"/>'s store, or null when the store is not PostgreSQL.</summary>
    public static RebalancerFence? Of(ActorSystem system) => RebalancerFenceId.Instance.Apply(system) is { Enabled: true } fence ? fence : null;

    internal bool Enabled => _connectionString.Length > 0;

    /// <summary>
    /// Takes <paramref name="vm"/>'s fence for this process's journal writer; returns the new epoch.
    /// Throws <see cref="InvalidOperationException"/> naming the holder when another Up member holds
    /// it, or when the journal's table is not created yet (the caller retries).
    /// </summary>
    public long Take(string vm)
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();

        // On a new database the journal creates its table when it starts (autoInitialize): the
        // trigger needs it. Started by the caller; waited for here, briefly, once.
        for (var waited = 0; Scalar(connection, "SELECT to_regclass('journal') IS NOT NULL") is not true; waited += 100)
        {
            if (waited >= JournalTableWaitMs)
            {
                throw new InvalidOperationException($"the journal's table is not created yet (waited {JournalTableWaitMs} ms)");
            }

            Thread.Sleep(100);
        }

        using var transaction = connection.BeginTransaction();
        Execute(connection, "SELECT pg_advisory_xact_lock(@lock)", ("lock", AdvisoryLock));

        Execute(connection, Schema);
        FenceHolder? holder = null;
        using (var read = new NpgsqlCommand("SELECT epoch, member FROM giantvm_rebalancer_fence WHERE vm = @vm FOR UPDATE", connection))
        {
            read.Parameters.AddWithValue("vm", vm);
            using var row = read.ExecuteReader();
            if (row.Read())
            {
                holder = new FenceHolder(row.GetInt64(0), row.GetString(1));
            }
        }

        var self = _self();
        if (!MayTake(holder, self, _upMembers()))
        {
            throw new InvalidOperationException($"the fence of {vm} is held by {holder!.Member} (epoch {holder.Epoch}), an Up member: this member's rebalancer was deposed");
        }

        var epoch = (long)Scalar(connection, """
            INSERT INTO giantvm_rebalancer_fence (vm, epoch, member, writer, taken_at) VALUES (@vm, 1, @member, @writer, now())
            ON CONFLICT (vm) DO UPDATE SET epoch = giantvm_rebalancer_fence.epoch + 1, member = @member, writer = @writer, taken_at = now()
            RETURNING epoch
            """, ("vm", vm), ("member", self), ("writer", _writer))!;
        transaction.Commit();
        return epoch;
    }

    private static void Execute(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}

/// <summary>
/// One <see cref="RebalancerFence"/> per actor system, from the default journal's configuration
/// (enabled when its provider is PostgreSQL and
/// <see cref="RebalancerStore"/> gave the process a writer id). The member is the cluster's unique self address (a
/// restarted member is a new one); without clustering, a name unique to this actor system.
/// </summary>
internal sealed class RebalancerFenceId : ExtensionIdProvider<RebalancerFence>
{
    public static readonly RebalancerFenceId Instance = new();

    public override RebalancerFence CreateExtension(ExtendedActorSystem system)
    {
        var config = system.Settings.Config;
        var plugin = config.GetString("akka.persistence.journal.plugin", "");
        var provider = plugin.Length > 0 ? config.GetString(plugin + ".provider-name", "") : "";
        var writer = config.GetString(RebalancerStore.WriterSetting, "");
        var connection = provider.Contains("PostgreSQL", StringComparison.OrdinalIgnoreCase) && writer.Length > 0
            ? config.GetString(plugin + ".connection-string", "")
            : "";
        if (system.Provider is Akka.Cluster.IClusterActorRefProvider)
        {
            var cluster = Cluster.Get(system);
            return new RebalancerFence(connection, writer, () => cluster.SelfUniqueAddress.ToString(), () => cluster.State.Members
                .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
                .Select(m => m.UniqueAddress.ToString())
                .ToHashSet());
        }

        var self = $"{system.Name}#{Guid.NewGuid():N}";
        return new RebalancerFence(connection, writer, () => self, () => new HashSet<string>());
    }
}
