using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GiantVm.Coordinator.Persistence;

/// <summary>
/// Whether this member reaches its store, as the migration log's projection last found it (it
/// reads the journal every 250 ms, and retries every second while it cannot). <c>/healthz</c>
/// turns unhealthy once the store has been unreachable for <see cref="UnhealthyAfter"/>: a short
/// outage (a PostgreSQL restart) does not get the member restarted.
/// </summary>
public sealed class StoreHealth(TimeProvider time)
{
    public static readonly TimeSpan UnhealthyAfter = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private DateTimeOffset? _downSince;
    private string? _reason;

    public void Up()
    {
        lock (_gate)
        {
            _downSince = null;
            _reason = null;
        }
    }

    public void Down(string reason)
    {
        lock (_gate)
        {
            _downSince ??= time.GetUtcNow();
            _reason = reason;
        }
    }

    /// <summary>Healthy, or unhealthy with how long the store has been out of reach and why.</summary>
    public HealthCheckResult Check()
    {
        lock (_gate)
        {
            if (_downSince is not { } since)
            {
                return HealthCheckResult.Healthy("store reachable");
            }

            var down = time.GetUtcNow() - since;
            return down > UnhealthyAfter
                ? HealthCheckResult.Unhealthy($"store unreachable for {down.TotalSeconds:0} s: {_reason}")
                : HealthCheckResult.Healthy($"store unreachable for {down.TotalSeconds:0} s (unhealthy after {UnhealthyAfter.TotalSeconds:0} s): {_reason}");
        }
    }
}

/// <summary>The store part of <c>/healthz</c> (see <see cref="StoreHealth"/>).</summary>
public sealed class StoreHealthCheck(StoreHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.Check());
}
