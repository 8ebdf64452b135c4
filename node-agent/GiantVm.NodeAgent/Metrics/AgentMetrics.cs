using GiantVm.NodeAgent.Execution;
using Prometheus;

namespace GiantVm.NodeAgent;

/// <summary>The agent's Prometheus metrics (served on --metrics-port when given).</summary>
internal static class AgentMetrics
{
    // First field (initialised first): prometheus-net's default EventCounter and Meter adapters
    // cost several % of a core at a 1 s collection; the agent keeps only the process metrics.
    private static readonly bool DefaultsSuppressed = SuppressDefaults();

    public static readonly Counter Samples = Metrics.CreateCounter(
        "giantvm_agent_samples_total", "Samples taken, by outcome (reported, skipped).", "outcome");

    public static readonly Histogram SampleSeconds = Metrics.CreateHistogram(
        "giantvm_agent_sample_duration_seconds", "Time to take one sample and compute its report.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 12) });

    public static readonly Counter SampleCpuSeconds = Metrics.CreateCounter(
        "giantvm_agent_sample_cpu_seconds_total", "CPU time of the sampling thread taking samples and computing reports (the rest of the agent's CPU is sending, serving and the runtime).");

    public static readonly Counter MessagesSent = Metrics.CreateCounter(
        "giantvm_agent_messages_sent_total", "Messages sent to the coordinator, by kind (hello, report, result).", "kind");

    public static readonly Counter Connects = Metrics.CreateCounter(
        "giantvm_agent_connects_total", "Connection attempts to the coordinator, by outcome (ok, failed).", "outcome");

    public static readonly Gauge Connected = Metrics.CreateGauge(
        "giantvm_agent_connected", "1 while a stream to a coordinator is open and acknowledged.");

    public static readonly Gauge IntervalSeconds = Metrics.CreateGauge(
        "giantvm_agent_report_interval_seconds", "The report interval in force.");

    public static readonly Counter Migrations = Metrics.CreateCounter(
        "giantvm_agent_migrations_total", "Migrate commands finished, by status.", "status");

    public static readonly Histogram MigrationSeconds = Metrics.CreateHistogram(
        "giantvm_agent_migration_duration_seconds", "Time from the safety checks to the verified result.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 4, 10) });

    private static bool SuppressDefaults()
    {
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false,
            SuppressDebugMetrics = true,
            SuppressEventCounters = true,
            SuppressMeters = true,
        });
        return true;
    }

    public static void RecordMigration(MigrationOutcome outcome)
    {
        Migrations.WithLabels(StatusName(outcome.Status)).Inc();
        MigrationSeconds.Observe(outcome.Duration.TotalSeconds);
    }

    public static string StatusName(ExecutionStatus status) => status switch
    {
        ExecutionStatus.DryRun => "dry-run",
        _ => status.ToString().ToLowerInvariant(),
    };
}
