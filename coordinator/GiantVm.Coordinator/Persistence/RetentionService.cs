using Akka.Actor;
using Akka.Cluster;
using GiantVm.Common;
using GiantVm.Coordinator.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Persistence;

/// <summary>The retention in force: <c>--retain</c> (null: off, everything is kept).</summary>
public sealed record RetentionSettings(TimeSpan? Retain);

/// <summary>
/// Runs <see cref="StoreRetention"/> <see cref="FirstRunAfter"/> after start and then every
/// <see cref="Interval"/>, on the oldest Up coordinator member only (the deletes are idempotent,
/// so a second member running at a membership change does no harm; one is enough). Each run is
/// logged (cutoff, rows deleted) and counted in <c>giantvm_retention_deleted_total{kind}</c>. A
/// run the store fails is logged and tried again at the next interval.
/// </summary>
public sealed class RetentionService(
    RetentionSettings settings,
    MigrationLogDb db,
    IServiceProvider services,
    TimeProvider time,
    ILogger<RetentionService> log) : BackgroundService
{
    public static readonly TimeSpan FirstRunAfter = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly StoreRetention _retention = new(db);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Retain is null)
        {
            log.LogInformation("Retention is off (--retain off): the store keeps every migration row and event");
            return;
        }

        try
        {
            await Task.Delay(FirstRunAfter, time, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (IsOldestMember())
                {
                    await RunOnceAsync(stoppingToken);
                }

                await Task.Delay(Interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One run: deletes what the cutoff (now minus --retain) no longer keeps; null when off or when the store failed (logged).</summary>
    public async Task<RetentionRun?> RunOnceAsync(CancellationToken token)
    {
        if (RetentionPolicy.Cutoff(time.GetUtcNow(), settings.Retain) is not { } cutoff)
        {
            return null;
        }

        RetentionRun run;
        try
        {
            run = await _retention.RunAsync(cutoff, token);
        }
        catch (Exception e) when (MigrationLogDb.IsStoreFailure(e))
        {
            log.LogWarning("Retention run (cutoff {Cutoff:o}) failed: {Reason}; next try in {Interval}", cutoff, e.GetBaseException().Message, Interval);
            return null;
        }

        CoordinatorMetrics.RetentionDeleted.WithLabels("migration_rows").Inc(run.MigrationRows);
        CoordinatorMetrics.RetentionDeleted.WithLabels("state_changes").Inc(run.StateChanges);
        CoordinatorMetrics.RetentionDeleted.WithLabels("events").Inc(run.Events);
        log.LogInformation(
            "Retention (--retain {Retain}): deleted {MigrationRows} migration log rows, {StateChanges} state changes and {Events} events of {PersistenceIds} rebalancers older than {Cutoff:o}; snapshots kept",
            DurationText.Format(settings.Retain!.Value), run.MigrationRows, run.StateChanges, run.Events, run.PersistenceIds, run.Cutoff);
        return run;
    }

    /// <summary>True when this member is the oldest Up member of the coordinator role (a lone member is).</summary>
    private bool IsOldestMember()
    {
        var system = services.GetService<ActorSystem>();
        if (system is null)
        {
            return false;
        }

        var cluster = Cluster.Get(system);
        var oldest = cluster.State.Members
            .Where(m => m.Status == MemberStatus.Up && m.HasRole("coordinator"))
            .OrderBy(m => m, Member.AgeOrdering)
            .FirstOrDefault();
        return oldest is not null && oldest.Address == cluster.SelfAddress;
    }
}
