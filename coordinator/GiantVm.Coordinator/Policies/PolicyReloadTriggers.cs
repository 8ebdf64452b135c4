using System.Runtime.InteropServices;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Rebalancing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GiantVm.Coordinator.Policies;

/// <summary>
/// Sends this member's policy files to the rebalancers (wherever they run) when a file changes
/// (debounced) or the process gets SIGHUP: the <c>--policy</c> file to every instance without a
/// file of its own, <c>--policy-dir</c>'s <c>VM.yaml</c> to instance VM (removed: VM goes back to
/// <c>--policy</c>), everything on SIGHUP. Each rebalancer validates; an invalid file is rejected
/// and logged; an accepted one is persisted and in force from its next round.
/// </summary>
public sealed class PolicyReloadTriggers(
    IRequiredActor<RebalancerActor> rebalancer,
    PolicyCatalog catalog,
    InstanceDirectory instances,
    IOptions<CoordinatorOptions> options,
    ILogger<PolicyReloadTriggers> log) : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    /// <summary>What changed: everything (null) or one file.</summary>
    private sealed record Change(string Cause, string? Path);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changes = Channel.CreateBounded<Change>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite });
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            changes.Writer.TryWrite(new Change("SIGHUP", null));
        });
        using var fileWatcher = WatchFile(catalog.DefaultOrigin, path => changes.Writer.TryWrite(new Change("file change", path)));
        using var dirWatcher = WatchFolder(path => changes.Writer.TryWrite(new Change("file change", path)));

        var region = await rebalancer.GetAsync(stoppingToken);
        try
        {
            await foreach (var change in changes.Reader.ReadAllAsync(stoppingToken))
            {
                if (change.Path is not null)
                {
                    await Task.Delay(Debounce, stoppingToken); // editors write in several steps
                }

                foreach (var vm in await TargetsAsync(change, stoppingToken))
                {
                    await ReloadAsync(region, vm, change.Cause, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>The instances a change concerns (only instances that exist).</summary>
    private async Task<IReadOnlyList<string>> TargetsAsync(Change change, CancellationToken token)
    {
        IReadOnlyList<string> known;
        try
        {
            known = await instances.ListAsync(token);
        }
        catch (Exception e) when (MigrationLogDb.IsStoreFailure(e))
        {
            log.LogWarning("Policy reload ({Cause}) not sent: the instances cannot be read from the store: {Reason}", change.Cause, e.GetBaseException().Message);
            return [];
        }

        if (change.Path is null)
        {
            return known;
        }

        return catalog.InstanceOf(change.Path) is { } one
            ? known.Where(vm => vm == one).ToList()
            : known.Where(vm => !catalog.HasOverride(vm)).ToList();
    }

    private async Task ReloadAsync(IActorRef region, string vm, string cause, CancellationToken token)
    {
        // This member's file, sent as content: the rebalancer may run on another member.
        var origin = catalog.OriginFor(vm);
        var (_, text) = PolicySource.Load(origin);
        var reload = text.Length > 0 ? new ReloadPolicy(text, origin, cause) : new ReloadPolicy(null, null, cause);
        try
        {
            var outcome = await region.Ask<PolicyReloadOutcome>(RebalancerShards.To(vm, reload), TimeSpan.FromSeconds(15), token);
            if (outcome.Unavailable is { } unavailable)
            {
                log.LogWarning("Policy file {Path} not reloaded for {Vm}: {Unavailable}", origin, vm, unavailable);
            }
            else if (!outcome.Accepted)
            {
                log.LogWarning("Policy file {Path} not reloaded for {Vm}: {ErrorCount} error(s)", origin, vm, outcome.Errors.Count);
            }
        }
        catch (AskTimeoutException)
        {
            log.LogWarning("Policy file {Path} not reloaded for {Vm}: its rebalancer did not answer within 15 s", origin, vm);
        }
    }

    private FileSystemWatcher? WatchFile(string origin, Action<string> changed)
    {
        if (!options.Value.WatchPolicyFile || !PolicySource.IsFile(origin) || !File.Exists(origin))
        {
            return null;
        }

        var full = Path.GetFullPath(origin);
        var watcher = Watch(Path.GetDirectoryName(full)!, Path.GetFileName(full), changed);
        log.LogInformation("Watching policy file {Path} for changes", full);
        return watcher;
    }

    private FileSystemWatcher? WatchFolder(Action<string> changed)
    {
        if (!options.Value.WatchPolicyFile || catalog.Directory is not { } folder)
        {
            return null;
        }

        var watcher = Watch(folder, "*.yaml", changed);
        watcher.Deleted += (_, e) => changed(e.FullPath);
        log.LogInformation("Watching policy folder {Path} for per-instance policies", folder);
        return watcher;
    }

    private static FileSystemWatcher Watch(string folder, string filter, Action<string> changed)
    {
        var watcher = new FileSystemWatcher(folder, filter)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, e) => changed(e.FullPath);
        watcher.Created += (_, e) => changed(e.FullPath);
        watcher.Renamed += (_, e) => changed(e.FullPath);
        watcher.EnableRaisingEvents = true;
        return watcher;
    }
}
