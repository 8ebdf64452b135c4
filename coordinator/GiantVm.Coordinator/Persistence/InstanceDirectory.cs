using System.Collections.Concurrent;
using GiantVm.Coordinator.Hosting;
using Microsoft.Extensions.Options;

namespace GiantVm.Coordinator.Persistence;

/// <summary>
/// The GiantVM instances this coordinator cluster serves, kept in the store
/// (<c>giantvm_instances</c>): an instance exists once one of its agents has said hello, at most
/// <c>--max-vms</c> of them. Admitted names are remembered on this member, so only the first hello
/// of an instance on each member costs a round trip to the store.
/// </summary>
public sealed class InstanceDirectory(MigrationLogDb db, TimeProvider time, IOptions<CoordinatorOptions> options)
{
    private readonly ConcurrentDictionary<string, bool> _admitted = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>How many instances may exist (<c>--max-vms</c>).</summary>
    public int MaxVms => options.Value.MaxVms;

    /// <summary>
    /// True when <paramref name="vm"/> is an instance (now or before); false when
    /// <see cref="MaxVms"/> instances exist already. Throws the store's exception when it cannot
    /// be asked.
    /// </summary>
    public async Task<bool> AdmitAsync(string vm, CancellationToken token)
    {
        if (_admitted.ContainsKey(vm))
        {
            return true;
        }

        await EnsureSchemaAsync(token);
        if (!await db.AdmitInstanceAsync(vm, MaxVms, time.GetUtcNow(), token))
        {
            return false;
        }

        _admitted[vm] = true;
        return true;
    }

    /// <summary>
    /// Every instance, by name. While the store cannot be read, the instances this member has
    /// seen (so that status still answers during a store outage, saying the store is down);
    /// throws the store's exception when it has seen none.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken token)
    {
        IReadOnlyList<string> names;
        try
        {
            await EnsureSchemaAsync(token);
            names = await db.InstancesAsync(token);
        }
        catch (Exception e) when (MigrationLogDb.IsStoreFailure(e) && !_admitted.IsEmpty)
        {
            return [.. _admitted.Keys.Order(StringComparer.Ordinal)];
        }

        foreach (var name in names)
        {
            _admitted[name] = true;
        }

        return names;
    }

    private async Task EnsureSchemaAsync(CancellationToken token)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(token);
        try
        {
            if (!_schemaReady)
            {
                await db.EnsureSchemaAsync(token);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }
}
