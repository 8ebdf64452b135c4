using GiantVm.Coordinator.Agents;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// The coordinator's settings, bound from the configuration section <c>Coordinator</c>
/// (appsettings-style JSON from --config, environment variables <c>GIANTVM_Coordinator__Key</c>,
/// then command-line flags, later sources winning).
/// </summary>
public sealed class CoordinatorOptions
{
    public const string Section = "Coordinator";

    /// <summary>Policy file path or shipped policy name (none, all-be, balanced, ...).</summary>
    public string Policy { get; set; } = "";

    /// <summary>Folder for the log files and the default SQLite store.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>
    /// Where the rebalancer's events, snapshots and the migration log live: <c>sqlite:PATH</c>
    /// (one member) or <c>postgres://USER@HOST:PORT/DB[?sslmode=require]</c> (a cluster).
    /// Default: <c>sqlite:DATA_DIR/giantvm.db</c>.
    /// </summary>
    public string? Store { get; set; }

    /// <summary>File holding the PostgreSQL password (else GIANTVM_STORE_PASSWORD, else none).</summary>
    public string? StorePasswordFile { get; set; }

    /// <summary>A snapshot of the rebalancer's state is saved every this many events (recovery reads it and the events after it).</summary>
    public int SnapshotEvery { get; set; } = 100;

    /// <summary>
    /// How long migration log rows and rebalancer events are kept (<c>30d</c>, <c>12h</c>,
    /// <c>90m</c>; <c>0</c> or <c>off</c>: forever). Older ones are deleted hourly; snapshots are kept.
    /// </summary>
    public string Retain { get; set; } = Persistence.RetentionPolicy.Default;

    /// <summary>HTTP/1.1 endpoint for /metrics and /healthz.</summary>
    public string MetricsUrl { get; set; } = "http://127.0.0.1:5001";

    /// <summary>Allow plaintext non-loopback listen addresses (the channels are then not authenticated).</summary>
    public bool Insecure { get; set; }

    /// <summary>Mutual TLS for gRPC (and metrics off loopback): this member's certificate, key and the CA.</summary>
    public TlsSettings Tls { get; set; } = new();

    /// <summary>How many GiantVM instances the cluster serves at most; the hello of one more is refused RESOURCE_EXHAUSTED.</summary>
    public int MaxVms { get; set; } = 1000;

    /// <summary>Folder of per-instance policies (<c>DIR/VM.yaml</c>); an instance without one uses <see cref="Policy"/>.</summary>
    public string? PolicyDir { get; set; }

    /// <summary>Name written in journal records and HelloAck; default: host name and Akka port.</summary>
    public string? MemberName { get; set; }

    /// <summary>Largest accepted agent message, in bytes (larger ones end the stream RESOURCE_EXHAUSTED).</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>An agent stream that sends no hello within this many seconds of opening is ended DEADLINE_EXCEEDED.</summary>
    public double HelloTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// HTTP/2 keepalive on the agents' connections: a ping after this many seconds without a frame
    /// from the agent (at least 1).
    /// </summary>
    public double KeepAlivePingDelaySeconds { get; set; } = 5;

    /// <summary>
    /// A connection whose ping gets no answer within this many seconds is closed (at least 1). It
    /// applies to every HTTP/2 connection, giantvmctl's too: a client on a starved machine answers
    /// a ping late, and a short timeout then cancels its call (seen at 5 s with load average 50+).
    /// A frozen member is found by the agents' own keepalive, not by this one.
    /// </summary>
    public double KeepAlivePingTimeoutSeconds { get; set; } = 20;

    /// <summary>Agent streams this member serves at once; one more is refused RESOURCE_EXHAUSTED before its hello is read.</summary>
    public int MaxStreams { get; set; } = 5000;

    /// <summary>Reports (guest and host) accepted per second on one stream; the excess is dropped and counted (results are never dropped).</summary>
    public double MaxReportRate { get; set; } = 10;

    /// <summary>Tasks one guest report may list; a longer report ends the stream RESOURCE_EXHAUSTED.</summary>
    public int MaxTasksPerReport { get; set; } = AgentLimits.DefaultMaxTasksPerReport;

    /// <summary>
    /// Records a WatchMigrations (giantvmctl migrations --follow) client may have pending; a client that
    /// falls further behind is disconnected RESOURCE_EXHAUSTED (it can reconnect: --follow replays the journal).
    /// </summary>
    public int MaxFollowBacklog { get; set; } = 1024;

    /// <summary>Reports stamped further than this in the future are rejected.</summary>
    public double MaxClockSkewSeconds { get; set; } = 300;

    /// <summary>Largest node id accepted before the guest's topology is known.</summary>
    public int MaxNodeId { get; set; } = 1023;

    /// <summary>Report interval the agents are told in HelloAck and AgentSettings.</summary>
    public double ReportIntervalSeconds { get; set; } = 1.0;

    /// <summary>Watch the policy file and reload it when it changes.</summary>
    public bool WatchPolicyFile { get; set; } = true;

    /// <summary>Write logs to the console.</summary>
    public bool ConsoleLog { get; set; } = true;

    /// <summary>Minimum log level (Verbose, Debug, Information, Warning, Error).</summary>
    public string LogLevel { get; set; } = "Information";

    /// <summary>
    /// Configured number of coordinator members (more than one needs a shared store: PostgreSQL).
    /// Default: the number of seed nodes, or 1 without seed nodes.
    /// </summary>
    public int? ClusterSize { get; set; }

    public AkkaSettings Akka { get; set; } = new();

    /// <summary>The cluster size in force (see <see cref="ClusterSize"/>).</summary>
    public int EffectiveClusterSize => ClusterSize ?? Math.Max(1, Akka.SeedNodes.Count);

    /// <summary>
    /// How many members must be in the cluster before any is Up (Akka's <c>min-nr-of-members</c>):
    /// a majority of <see cref="EffectiveClusterSize"/>. A member that forms a cluster of its own
    /// while cut off (a restarted first seed) stays Joining, so it hosts no rebalancer.
    /// </summary>
    public int Quorum => EffectiveClusterSize / 2 + 1;

}

/// <summary>TLS files (<c>Coordinator:Tls</c>); all three or none.</summary>
public sealed class TlsSettings
{
    public string? Cert { get; set; }

    public string? Key { get; set; }

    public string? Ca { get; set; }

    /// <summary>True when any of the three is set (then all three must be).</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(Cert) || !string.IsNullOrWhiteSpace(Key) || !string.IsNullOrWhiteSpace(Ca);
}

/// <summary>Akka remoting and cluster settings (<c>Coordinator:Akka</c>).</summary>
public sealed class AkkaSettings
{
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Akka remoting port; 0 picks a free one (fine for a one-member cluster).</summary>
    public int Port { get; set; }

    /// <summary>Seed node addresses (akka.tcp://giantvm@host:port); empty: join itself (one member).</summary>
    public List<string> SeedNodes { get; set; } = [];

    /// <summary>
    /// The split brain resolver (keep-majority) acts after the membership has been stable this
    /// long: it downs unreachable members (a crashed one) so the singleton can move. Shorter means
    /// faster failover but more risk of downing a member that is only slow.
    /// </summary>
    public double StableAfterSeconds { get; set; } = 5;

    /// <summary>
    /// A member that is not Up this long after it started exits 1 (so that its service manager
    /// starts it again and it asks the seed nodes afresh): it is cut off from a majority of the
    /// cluster, or alone in a cluster of its own. 0 waits forever.
    /// </summary>
    public double JoinTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Sends every actor message, local ones too, through its serializer and back
    /// (<c>akka.actor.serialize-messages</c>): the tests turn it on to prove that each message has
    /// one; it costs CPU for nothing in production.
    /// </summary>
    public bool VerifyMessages { get; set; }
}
