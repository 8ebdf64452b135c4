using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Rebalancing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GiantVm.Coordinator.Policies;

/// <summary>
/// Sends this member's policy file to the rebalancer (wherever it runs) when the file changes
/// (debounced) or the process gets SIGHUP. The rebalancer validates; an invalid file is
/// rejected and logged; an accepted one is replicated and in force on every member.
/// </summary>
public sealed class PolicyReloadTriggers(
    IRequiredActor<RebalancerActor> rebalancer,
    IOptions<CoordinatorOptions> options,
    ILogger<PolicyReloadTriggers> log) : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var origin = options.Value.Policy;
        var changes = System.Threading.Channels.Channel.CreateBounded<string>(
            new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            changes.Writer.TryWrite("SIGHUP");
        });
        using var watcher = WatchFile(origin, () => changes.Writer.TryWrite("file change"));

        var actor = await rebalancer.GetAsync(stoppingToken);
        try
        {
            await foreach (var cause in changes.Reader.ReadAllAsync(stoppingToken))
            {
                if (cause == "file change")
                {
                    await Task.Delay(Debounce, stoppingToken); // editors write in several steps
                }

                // This member's file, sent as content: the rebalancer may run on another member.
                var (_, text) = PolicySource.Load(origin);
                var reload = text.Length > 0 ? new ReloadPolicy(text, origin, cause) : new ReloadPolicy(null, null, cause);
                var outcome = await actor.Ask<PolicyReloadOutcome>(reload, TimeSpan.FromSeconds(15), stoppingToken);
                if (outcome.Unavailable is { } unavailable)
                {
                    log.LogWarning("Policy file {Path} not reloaded: {Unavailable}", origin, unavailable);
                }
                else if (!outcome.Accepted)
                {
                    log.LogWarning("Policy file {Path} not reloaded: {ErrorCount} error(s)", origin, outcome.Errors.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private FileSystemWatcher? WatchFile(string origin, Action changed)
    {
        if (!options.Value.WatchPolicyFile || !PolicySource.IsFile(origin) || !File.Exists(origin))
        {
            return null;
        }

        var full = Path.GetFullPath(origin);
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => changed();
        watcher.Created += (_, _) => changed();
        watcher.Renamed += (_, _) => changed();
        watcher.EnableRaisingEvents = true;
        log.LogInformation("Watching policy file {Path} for changes", full);
        return watcher;
    }
}
