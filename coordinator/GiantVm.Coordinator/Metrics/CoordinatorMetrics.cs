using Prometheus;

namespace GiantVm.Coordinator.Metrics;

/// <summary>The coordinator's Prometheus metrics (giantvm_ prefix, base units, _total counters).</summary>
internal static class CoordinatorMetrics
{
    // First initializer: runs before any metric below is created. The .NET event-counter and
    // meter adapters publish names promtool rejects (_count gauges, _total gauges); process
    // metrics (process_*) stay.
    private static readonly bool DefaultsSuppressed = SuppressNoisyDefaults();

    public static readonly Counter ReportsReceived = Prometheus.Metrics.CreateCounter(
        "giantvm_agent_reports_total", "Agent reports accepted, by kind (host, guest, result).",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Counter SnapshotReports = Prometheus.Metrics.CreateCounter(
        "giantvm_snapshot_reports_total", "Agent reports applied to the rebalancer's snapshot, by kind (host, guest).",
        new CounterConfiguration { LabelNames = ["kind"] });

    // The per-report series, each looked up once (WithLabels looks its labels up at every call);
    // a series still appears at its first count.
    private static Counter.Child? _guestReceived;
    private static Counter.Child? _hostReceived;
    private static Counter.Child? _resultReceived;
    private static Counter.Child? _guestApplied;
    private static Counter.Child? _hostApplied;

    /// <summary><see cref="ReportsReceived"/> of kind guest, host or result.</summary>
    public static Counter.Child ReportReceived(string kind) => kind switch
    {
        "guest" => _guestReceived ??= ReportsReceived.WithLabels(kind),
        "host" => _hostReceived ??= ReportsReceived.WithLabels(kind),
        "result" => _resultReceived ??= ReportsReceived.WithLabels(kind),
        _ => ReportsReceived.WithLabels(kind),
    };

    /// <summary><see cref="SnapshotReports"/> of guest reports.</summary>
    public static Counter.Child GuestReportApplied => _guestApplied ??= SnapshotReports.WithLabels("guest");

    /// <summary><see cref="SnapshotReports"/> of host reports.</summary>
    public static Counter.Child HostReportApplied => _hostApplied ??= SnapshotReports.WithLabels("host");

    public static readonly Counter ReportsRejected = Prometheus.Metrics.CreateCounter(
        "giantvm_agent_messages_rejected_total", "Agent messages rejected (the stream ends with a gRPC status), by reason.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Counter AuthDenied = Prometheus.Metrics.CreateCounter(
        "giantvm_auth_denied_total", "Calls and messages refused for the caller's certificate identity (role, hello binding, result binding, no identity).",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Counter LimitRefused = Prometheus.Metrics.CreateCounter(
        "giantvm_limit_refused_total",
        "Inputs refused because a bound was exceeded, by limit (hello_timeout, max_streams, one_stream_per_agent, report_rate, string_length, tasks_per_report, nodes_per_message, duplicate_pid, agent_outbox, follow_backlog).",
        new CounterConfiguration { LabelNames = ["limit"] });

    public static readonly Gauge Sessions = Prometheus.Metrics.CreateGauge(
        "giantvm_agent_sessions", "Connected agent sessions, by role.",
        new GaugeConfiguration { LabelNames = ["role"] });

    public static readonly Counter Decisions = Prometheus.Metrics.CreateCounter(
        "giantvm_decisions_total", "Migration decisions journaled, by trigger and dry-run.",
        new CounterConfiguration { LabelNames = ["trigger", "dry_run"] });

    public static readonly Counter Migrations = Prometheus.Metrics.CreateCounter(
        "giantvm_migration_results_total", "Migration results journaled, by status (including timeouts and late results).",
        new CounterConfiguration { LabelNames = ["status"] });

    public static readonly Gauge NodeSteal = Prometheus.Metrics.CreateGauge(
        "giantvm_node_steal_ratio", "Last guest steal ratio reported per virtual NUMA node of each instance.",
        new GaugeConfiguration { LabelNames = ["vm", "node"] });

    public static readonly Gauge NodeSmoothedSteal = Prometheus.Metrics.CreateGauge(
        "giantvm_node_smoothed_steal_ratio", "Smoothed (EMA) steal ratio per node of each instance at the last decision round.",
        new GaugeConfiguration { LabelNames = ["vm", "node"] });

    public static readonly Histogram RoundDuration = Prometheus.Metrics.CreateHistogram(
        "giantvm_decision_round_duration_seconds", "Time to build the snapshot, decide and journal one round.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 4, 9) });

    public static readonly Counter Rounds = Prometheus.Metrics.CreateCounter(
        "giantvm_decision_rounds_total", "Decision rounds, by outcome (decided, idle, paused, no_data).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    public static readonly Histogram RoundInterval = Prometheus.Metrics.CreateHistogram(
        "giantvm_round_interval_seconds", "Time between one instance's consecutive automatic rounds on this member (observed per round per instance; no vm label).",
        new HistogramConfiguration { Buckets = [0.5, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0] });

    public static readonly Counter PolicyReloads = Prometheus.Metrics.CreateCounter(
        "giantvm_policy_reloads_total", "Policy reload attempts, by result (accepted, unchanged, rejected, unavailable: the store did not persist it).",
        new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Gauge Paused = Prometheus.Metrics.CreateGauge(
        "giantvm_rebalancer_paused", "1 while automatic rebalancing of the instance is paused (series on the member hosting its rebalancer).",
        new GaugeConfiguration { LabelNames = ["vm"] });

    public static readonly Gauge PendingMigrations = Prometheus.Metrics.CreateGauge(
        "giantvm_migrations_pending", "Commands sent and waiting for a result, per instance.",
        new GaugeConfiguration { LabelNames = ["vm"] });

    public static readonly Counter RetentionDeleted = Prometheus.Metrics.CreateCounter(
        "giantvm_retention_deleted_total", "Rows deleted from the store by --retain, by kind (migration_rows, state_changes, events).",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Gauge StoreUp = Prometheus.Metrics.CreateGauge(
        "giantvm_store_up", "1 while this member reads the store (journal and migration log read model); 0 while it fails.");

    public static readonly Gauge RecordingAvailable = Prometheus.Metrics.CreateGauge(
        "giantvm_rebalancer_recording", "1 while the instance's rebalancer (on this member) has recovered and the store persists its events; 0: commands are held back.",
        new GaugeConfiguration { LabelNames = ["vm"] });

    public static readonly Gauge Rebalancers = Prometheus.Metrics.CreateGauge(
        "giantvm_rebalancers", "Rebalancers (one per GiantVM instance) hosted by this member.");

    public static readonly Histogram PersistLatency = Prometheus.Metrics.CreateHistogram(
        "giantvm_persist_duration_seconds", "Time for the store to persist one rebalancer event (decision, result, state change).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static readonly Counter RecordFailures = Prometheus.Metrics.CreateCounter(
        "giantvm_rebalancer_record_failures_total", "Events the store did not persist, by kind (decision, result, state).",
        new CounterConfiguration { LabelNames = ["kind"] });

    // The live managed heap (what the newest full collection found reachable) and its age, set at
    // each scrape: the heap size between full collections also counts gen0/gen1 garbage.
    public static readonly Gauge FullCollectionLive = Prometheus.Metrics.CreateGauge(
        "giantvm_gc_full_collection_live_bytes",
        "Bytes the newest full (gen2, blocking or background) garbage collection found reachable (GCMemoryInfo.PromotedBytes): the live managed heap at that collection. Absent before the first one.",
        new GaugeConfiguration { SuppressInitialValue = true });

    public static readonly Gauge FullCollectionHeap = Prometheus.Metrics.CreateGauge(
        "giantvm_gc_full_collection_heap_bytes",
        "Managed heap size after the newest full garbage collection, free space (fragmentation) included.",
        new GaugeConfiguration { SuppressInitialValue = true });

    public static readonly Gauge FullCollectionPause = Prometheus.Metrics.CreateGauge(
        "giantvm_gc_full_collection_pause_seconds",
        "Time the newest full garbage collection paused the process (for a background one, its two short pauses).",
        new GaugeConfiguration { SuppressInitialValue = true });

    public static readonly Gauge FullCollectionSeen = Prometheus.Metrics.CreateGauge(
        "giantvm_gc_full_collection_seen_timestamp_seconds",
        "Unix time at which a scrape of this member first saw the newest full garbage collection (it ended at most one scrape interval before).",
        new GaugeConfiguration { SuppressInitialValue = true });

    private static readonly FullCollectionTracker FullCollections = new();
    private static readonly bool FullCollectionHooked = HookFullCollection();

    /// <summary>Touches the class so the defaults are suppressed before /metrics is first served.</summary>
    public static bool EnsureInitialized() => DefaultsSuppressed && FullCollectionHooked;

    /// <summary>Sets the giantvm_gc_full_collection_* gauges from <paramref name="reading"/> (none before the first full collection).</summary>
    internal static void Publish(FullCollectionReading? reading)
    {
        if (reading is null)
        {
            return;
        }

        FullCollectionLive.Set(reading.Collection.PromotedBytes);
        FullCollectionHeap.Set(reading.Collection.HeapSizeBytes);
        FullCollectionPause.Set(reading.Collection.Pause.TotalSeconds);
        FullCollectionSeen.Set(reading.SeenAt.ToUnixTimeMilliseconds() / 1000.0);
    }

    private static bool HookFullCollection()
    {
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() => Publish(FullCollections.Observe(
            GcCollection.Read(GCKind.FullBlocking), GcCollection.Read(GCKind.Background), TimeProvider.System.GetUtcNow())));
        return true;
    }

    private static bool SuppressNoisyDefaults()
    {
        try
        {
            Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
            {
                SuppressEventCounters = true,
                SuppressMeters = true,
                SuppressDebugMetrics = true,
                SuppressProcessMetrics = false,
            });
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // the registry was already collected from (a second host in one process)
        }
    }
}
