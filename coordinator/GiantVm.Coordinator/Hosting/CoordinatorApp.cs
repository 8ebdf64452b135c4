using System.Diagnostics;
using System.Globalization;
using System.Net;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using GiantVm.Coordinator.Admin;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Journal;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Coordinator.Persistence;
using Microsoft.AspNetCore.Builder;
using System.Security.Authentication;
using GiantVm.Coordinator.Security;
using GiantVm.Security;
using GiantVm.Shared;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// Composes the coordinator: configuration (JSON file, GIANTVM_ environment variables, flags),
/// Kestrel (gRPC over h2c on --urls, /metrics and /healthz over HTTP/1.1 on --metrics-url),
/// Serilog, the Akka system (one-member cluster by default; with seed nodes one member of a
/// cluster) with the session manager, the migration log's projection and the rebalancers' shard
/// region (one rebalancer per GiantVM instance, see <see cref="RebalancerShards"/>), the gRPC
/// services and the policy reload triggers.
/// </summary>
public static class CoordinatorApp
{
    public const string DefaultUrls = "http://127.0.0.1:5000";

    /// <summary>The default gRPC URL when TLS files are given.</summary>
    public const string DefaultTlsUrls = "https://127.0.0.1:5000";

    /// <summary>Builds the app; throws <see cref="UsageException"/> or <see cref="PolicyRejectedException"/> for user errors.</summary>
    /// <param name="customize">Last changes before Build (tests: TestServer, clock).</param>
    public static WebApplication Build(CoordinatorLaunch launch, Action<WebApplicationBuilder>? customize = null)
    {
        Metrics.CoordinatorMetrics.EnsureInitialized();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        AddConfiguration(builder.Configuration, launch);

        CoordinatorOptions options;
        try
        {
            options = builder.Configuration.GetSection(CoordinatorOptions.Section).Get<CoordinatorOptions>() ?? new CoordinatorOptions();
        }
        catch (InvalidOperationException e) when (e.InnerException is ArgumentException or FormatException)
        {
            // the binder's message names the key and the value ("Failed to convert configuration value 'abc' at 'Coordinator:Akka:StableAfterSeconds' to type 'System.Double'.")
            throw new UsageException(e.Message);
        }
        if (string.IsNullOrWhiteSpace(options.Policy))
        {
            throw new UsageException("--policy is required: a policy file, or a shipped policy name (none, all-be, balanced, least-tasks, random, default, demo, lc-harm, lc-harm-frugal)");
        }

        var tls = LoadTls(options.Tls);
        var grpc = ListenAddress.ParseList(builder.Configuration["urls"] ?? (tls is null ? DefaultUrls : DefaultTlsUrls), "--urls");
        var metrics = ListenAddress.Parse(options.MetricsUrl, "--metrics-url");
        ListenAddress.CheckExposure(grpc, metrics, tls is not null, options.Insecure);
        if (!Enum.TryParse<LogEventLevel>(options.LogLevel, ignoreCase: true, out var logLevel))
        {
            throw new UsageException($"Coordinator:LogLevel '{options.LogLevel}' is not one of Verbose, Debug, Information, Warning, Error, Fatal");
        }

        var (loaded, text) = PolicySource.Load(options.Policy);
        if (!loaded.Ok || loaded.Policy is null)
        {
            throw new PolicyRejectedException(loaded.Errors.Select(e => e.ToString()).ToList());
        }

        var catalog = new PolicyCatalog(options.Policy, options.PolicyDir);
        if (catalog.Validate() is { Count: > 0 } dirErrors)
        {
            if (!Directory.Exists(catalog.Directory))
            {
                throw new UsageException(dirErrors[0]);
            }

            throw new PolicyRejectedException(dirErrors);
        }

        if (options.MaxVms < 1)
        {
            throw new UsageException($"--max-vms must be at least 1 (got {options.MaxVms})");
        }

        if (options.EffectiveClusterSize < 1)
        {
            throw new UsageException($"--cluster-size must be at least 1 (got {options.EffectiveClusterSize})");
        }

        if (!(options.Akka.JoinTimeoutSeconds >= 0))
        {
            throw new UsageException($"Coordinator:Akka:JoinTimeoutSeconds must be 0 (wait forever) or more (got {options.Akka.JoinTimeoutSeconds})");
        }

        if (options.Akka.StableAfterSeconds <= 0)
        {
            throw new UsageException("Coordinator:Akka:StableAfterSeconds must be positive");
        }

        if (options.SnapshotEvery < 1)
        {
            throw new UsageException($"Coordinator:SnapshotEvery must be at least 1 (got {options.SnapshotEvery})");
        }

        var retain = RetentionPolicy.Parse(options.Retain);
        CheckLimits(options);
        var dataDir = Path.GetFullPath(options.DataDir);
        try
        {
            Directory.CreateDirectory(dataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--data-dir: cannot create {dataDir}: {e.Message}");
        }

        var store = LoadStore(options, dataDir);
        ConfigureKestrel(builder, grpc, metrics, tls, options);
        ConfigureSerilog(builder, options, dataDir, logLevel);
        builder.Services.AddGiantVmSystemd(Environment.GetEnvironmentVariable);

        var member = new MemberName(options.MemberName ?? $"{Environment.MachineName}:{grpc[0].Port}", grpc[0].Url);
        builder.Services.AddOptions<CoordinatorOptions>().BindConfiguration(CoordinatorOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(member);
        builder.Services.AddSingleton<MemberExit>();
        builder.Services.AddSingleton<AgentStreamsEnd>();
        builder.Services.AddSingleton(new JournalFeed(options.MaxFollowBacklog));
        builder.Services.AddSingleton(new AgentStreamGate(options.MaxStreams));
        builder.Services.AddSingleton<TopologyBook>();
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new MigrationLogDb(store));
        builder.Services.AddSingleton<InstanceDirectory>();
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(new RetentionSettings(retain));

        builder.Services.AddSingleton(new ServerTls(tls));
        builder.Services.AddSingleton<AgentStreams>();
        builder.Services.AddSingleton<Admin.ClusterPeers>();
        builder.Services.AddSingleton<CommandLedger>();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = options.MaxMessageBytes;
            o.EnableDetailedErrors = launch.Verbose;
            o.Interceptors.Add<AdminAuthorization>();
        });
        if (tls is null && options.Insecure && grpc.Append(metrics).Any(a => !a.IsLoopback))
        {
            builder.Services.AddHostedService<InsecureWarning>();
        }
        builder.Services.AddSingleton<StoreHealth>();
        builder.Services.AddGrpcHealthChecks().AddCheck<ClusterHealthCheck>("cluster").AddCheck<StoreHealthCheck>("store");

        var initialPolicy = new PolicyInForce(loaded.Policy, text, options.Policy, 1, DateTimeOffset.UtcNow);
        AddAkka(builder, options, member, catalog, initialPolicy, tls, store);
        builder.Services.AddHostedService<PolicyReloadTriggers>();
        builder.Services.AddHostedService<RetentionService>();

        customize?.Invoke(builder);

        var app = builder.Build();
        app.MapGrpcService<Agents.AgentService>();
        app.MapGrpcService<Admin.AdminService>();
        app.MapGrpcHealthChecksService();
        app.MapHealthChecks("/healthz");
        app.MapMetrics("/metrics");
        return app;
    }

    private static void CheckLimits(CoordinatorOptions options)
    {
        static bool Positive(double value) => double.IsFinite(value) && value > 0;
        if (!Positive(options.HelloTimeoutSeconds))
        {
            throw new UsageException($"Coordinator:HelloTimeoutSeconds must be a positive number of seconds (got {options.HelloTimeoutSeconds})");
        }

        if (options.MaxStreams < 1)
        {
            throw new UsageException($"--max-streams must be at least 1 (got {options.MaxStreams})");
        }

        if (!Positive(options.MaxReportRate))
        {
            throw new UsageException($"--max-report-rate must be a positive number of reports a second (got {options.MaxReportRate})");
        }

        if (options.MaxTasksPerReport < 1)
        {
            throw new UsageException($"--max-tasks-per-report must be at least 1 (got {options.MaxTasksPerReport})");
        }

        // Kestrel refuses a ping delay or timeout under 1 s (below it pings would flood the peers).
        if (!double.IsFinite(options.KeepAlivePingDelaySeconds) || options.KeepAlivePingDelaySeconds < 1)
        {
            throw new UsageException($"Coordinator:KeepAlivePingDelaySeconds must be at least 1 (got {options.KeepAlivePingDelaySeconds})");
        }

        if (!double.IsFinite(options.KeepAlivePingTimeoutSeconds) || options.KeepAlivePingTimeoutSeconds < 1)
        {
            throw new UsageException($"Coordinator:KeepAlivePingTimeoutSeconds must be at least 1 (got {options.KeepAlivePingTimeoutSeconds})");
        }

        if (options.MaxFollowBacklog < 1)
        {
            throw new UsageException($"Coordinator:MaxFollowBacklog must be at least 1 (got {options.MaxFollowBacklog})");
        }
    }

    private static void AddConfiguration(ConfigurationManager configuration, CoordinatorLaunch launch)
    {
        if (launch.ConfigFile is { } file)
        {
            var full = Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                throw new UsageException($"--config: {file} does not exist");
            }

            try
            {
                configuration.AddJsonFile(full, optional: false, reloadOnChange: false);
            }
            catch (InvalidDataException e)
            {
                throw new UsageException($"--config: {file} is not valid JSON: {e.InnerException?.Message ?? e.Message}");
            }
        }

        configuration.AddEnvironmentVariables("GIANTVM_");
        configuration.AddInMemoryCollection(launch.Overrides);
    }

    /// <summary>
    /// The <c>--store</c> in force (default: SQLite in the data folder), with its password; a
    /// SQLite store for a cluster of more than one member is a usage error (each member would have
    /// its own file: two rebalancers, two logs).
    /// </summary>
    private static StoreLocation LoadStore(CoordinatorOptions options, string dataDir)
    {
        var text = string.IsNullOrWhiteSpace(options.Store) ? "sqlite:" + Path.Combine(dataDir, "giantvm.db") : options.Store.Trim();
        string? password = Environment.GetEnvironmentVariable("GIANTVM_STORE_PASSWORD");
        if (!string.IsNullOrWhiteSpace(options.StorePasswordFile))
        {
            try
            {
                password = File.ReadAllText(options.StorePasswordFile).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--store-password-file: cannot read {options.StorePasswordFile}: {e.Message}");
            }
        }

        StoreLocation store;
        try
        {
            store = StoreLocation.Parse(text, string.IsNullOrEmpty(password) ? null : password);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }

        var size = Math.Max(options.EffectiveClusterSize, options.Akka.SeedNodes.Count);
        if (store.Kind == StoreKind.Sqlite && size > 1)
        {
            throw new UsageException($"--store sqlite: is local to one member; a cluster of {size} needs --store postgres://USER@HOST:PORT/DB (see docs/state.md)");
        }

        return store;
    }

    /// <summary>The TLS files, or null without them; a partial set or a file that does not load is a usage error.</summary>
    private static TlsMaterial? LoadTls(TlsSettings settings)
    {
        if (!settings.Configured)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(settings.Cert) || string.IsNullOrWhiteSpace(settings.Key) || string.IsNullOrWhiteSpace(settings.Ca))
        {
            throw new UsageException("--tls-cert, --tls-key and --tls-ca go together (Coordinator:Tls:Cert, Key, Ca)");
        }

        TlsMaterial tls;
        try
        {
            tls = new TlsMaterial(settings.Cert, settings.Key, settings.Ca);
        }
        catch (TlsConfigException e)
        {
            throw new UsageException("--tls-cert/--tls-key/--tls-ca: " + e.Message);
        }

        if (tls.Identity.Kind != PeerKind.Coordinator)
        {
            throw new UsageException($"--tls-cert: {settings.Cert} is {tls.Identity}, not a coordinator identity (spiffe://giantvm/coordinator/NAME)");
        }

        return tls;
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, IReadOnlyList<ListenAddress> grpc, ListenAddress metrics, TlsMaterial? tls, CoordinatorOptions options)
    {
        // The addresses come from our own settings: keep Kestrel from also applying "urls".
        builder.Configuration["urls"] = "";
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // HTTP/2 pings on the agents' connections: a frozen or unreachable agent's connection
            // is closed after delay + timeout of silence, and its stream with it.
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(options.KeepAlivePingDelaySeconds);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(options.KeepAlivePingTimeoutSeconds);
            var log = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("GiantVm.Coordinator.Security.Tls");
            foreach (var address in grpc)
            {
                Listen(kestrel, address, HttpProtocols.Http2, tls, ClientCertificateMode.RequireCertificate, log);
            }

            // Prometheus scrapes with the CA file and no certificate of its own.
            Listen(kestrel, metrics, HttpProtocols.Http1, tls, ClientCertificateMode.AllowCertificate, log);
        });
    }

    private static void Listen(KestrelServerOptions kestrel, ListenAddress address, HttpProtocols protocols, TlsMaterial? tls, ClientCertificateMode clients, Microsoft.Extensions.Logging.ILogger log)
    {
        // A refused client certificate ends the connection in the handshake: the client only sees
        // the connection close (before or just after its first request, by TLS version and timing),
        // so the reason is logged and counted here, where it is known.
        bool Accept(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, TlsMaterial material)
        {
            if (material.Validate(certificate, out var reason) is not null)
            {
                return true;
            }

            Metrics.CoordinatorMetrics.AuthDenied.WithLabels("tls-certificate").Inc();
            log.LogWarning("TLS connection refused on {Address}: {Reason}", address.Url, reason);
            return false;
        }

        void Configure(ListenOptions o)
        {
            o.Protocols = protocols;
            if (address.IsHttps && tls is not null)
            {
                o.UseHttps(new HttpsConnectionAdapterOptions
                {
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    // read per handshake: a replaced certificate file serves new connections (rotation)
                    ServerCertificateSelector = (_, _) => tls.Certificate,
                    ClientCertificateMode = clients,
                    ClientCertificateValidation = (certificate, _, _) => Accept(certificate, tls),
                    CheckCertificateRevocation = false,
                });
            }
        }

        if (address.Host == "localhost")
        {
            kestrel.ListenLocalhost(address.Port, Configure);
        }
        else if (address.IsAnyAddress)
        {
            kestrel.ListenAnyIP(address.Port, Configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address.Host), address.Port, Configure);
        }
    }

    private static void ConfigureSerilog(WebApplicationBuilder builder, CoordinatorOptions options, string dataDir, LogEventLevel level)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(
            (_, logger) =>
            {
                logger.MinimumLevel.Is(level)
                    .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                    .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                    .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
                    .Enrich.FromLogContext()
                    .WriteTo.File(
                        new CompactJsonFormatter(),
                        Path.Combine(dataDir, "logs", "coordinator-.json"),
                        rollingInterval: RollingInterval.Day,
                        fileSizeLimitBytes: 64L * 1024 * 1024,
                        rollOnFileSizeLimit: true,
                        retainedFileCountLimit: 14);
                if (options.ConsoleLog)
                {
                    logger.WriteTo.GiantVmConsole(Environment.GetEnvironmentVariable);
                }
            },
            preserveStaticLogger: true);
    }

    /// <summary>Akka remoting accepts a member only with a coordinator identity from this deployment's CA.</summary>
    private static bool AkkaPeerAccepted(TlsMaterial tls, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate, string peer, Akka.Event.ILoggingAdapter akkaLog)
    {
        var identity = tls.Validate(certificate, out var reason);
        if (identity is { Kind: PeerKind.Coordinator })
        {
            return true;
        }

        Metrics.CoordinatorMetrics.AuthDenied.WithLabels("akka-peer").Inc();
        Akka.Event.LoggingExtensions.Warning(akkaLog, "Akka peer {0} refused: {1}", peer, identity is null ? reason : $"{identity} is not a coordinator identity");
        return false;
    }

    private static void AddAkka(WebApplicationBuilder builder, CoordinatorOptions options, MemberName member, PolicyCatalog catalog, PolicyInForce initialPolicy, TlsMaterial? tls, StoreLocation store)
    {
        var akka = options.Akka;
        // with TLS the transport's scheme is akka.ssl.tcp; seed lists written for either work
        var seeds = akka.SeedNodes.Select(seed => tls is null ? seed : seed.Replace("akka.tcp://", "akka.ssl.tcp://", StringComparison.Ordinal)).ToList();
        builder.Services.AddAkka("giantvm", (ab, sp) =>
        {
            ab.ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .AddMemberMessages(akka.VerifyMessages)
                .WithRebalancerStore(store)
                // stable-after: how long the SBR waits before downing an unreachable member. The
                // removal margin (how long sharding waits after a removal before it starts the
                // shards elsewhere) is kept short: the store's unique (persistence id, sequence
                // number) key and the instance's fence refuse a deposed rebalancer's next event
                // (docs/state.md says what that does and does not fence).
                // min-nr-of-members: no member is Up (so none hosts a rebalancer) until a majority
                // of --cluster-size has joined. A member cut off from the others that restarts as
                // the first seed forms a cluster of its own; it stays Joining there, and JoinWatch
                // ends it once the other seeds answer again, so that it joins their cluster.
                .AddHocon(
                    ConfigurationFactory.ParseString(
                        "akka.cluster.split-brain-resolver.stable-after = " +
                        akka.StableAfterSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s\n" +
                        "akka.cluster.down-removal-margin = 1s\n" +
                        "akka.cluster.min-nr-of-members = " + options.Quorum.ToString(CultureInfo.InvariantCulture) + "\n" +
                        // under systemd, Akka's start-up and shutdown logger writes journal lines too
                        (Systemd.UnderSystemd(Environment.GetEnvironmentVariable)
                            ? $"akka.stdout-logger-class = \"{typeof(JournalStdoutLogger).AssemblyQualifiedName}\"\n"
                            : "")),
                    HoconAddMode.Prepend)
                .WithRemoting(new RemoteOptions
                {
                    HostName = akka.Hostname,
                    Port = akka.Port,
                    MaxFrameSize = 4 * 1024 * 1024,
                    SendBufferSize = 8 * 1024 * 1024,
                    ReceiveBufferSize = 8 * 1024 * 1024,
                    // With TLS, members talk mutual TLS with their coordinator certificates: a peer
                    // must chain to the same CA and be a coordinator identity, else it cannot join.
                    EnableSsl = tls is not null,
                    Ssl = tls is null ? null! : new SslOptions
                    {
                        X509Certificate = tls.Certificate,
                        SuppressValidation = false,
                        RequireMutualAuthentication = true,
                        ValidateCertificateHostname = false,
                        CustomValidator = (certificate, _, peer, _, akkaLog) => AkkaPeerAccepted(tls, certificate, peer, akkaLog),
                    },
                })
                .WithClustering(new ClusterOptions
                {
                    SeedNodes = [.. seeds],
                    Roles = ["coordinator"],
                    // keep-majority: the side with fewer than half of the members downs itself
                    SplitBrainResolver = new KeepMajorityOption(),
                })
                .WithActors((system, registry) =>
                {
                    var sessions = system.ActorOf(SessionManagerActor.Props(sp.GetRequiredService<ILogger<SessionManagerActor>>()), "sessions");
                    registry.Register<SessionManagerActor>(sessions);
                    system.ActorOf(MemberInfoActor.Props(new MemberEndpoint(member.Value, member.GrpcUrl)), MemberInfoActor.Name);
                    system.ActorOf(
                        MigrationLogProjection.Props(
                            sp.GetRequiredService<MigrationLogDb>(),
                            sp.GetRequiredService<JournalFeed>(),
                            sp.GetRequiredService<StoreHealth>(),
                            sp.GetRequiredService<ILogger<MigrationLogProjection>>()),
                        "migration-log");
                })
                .WithShardRegion<RebalancerActor>(
                    RebalancerShards.RegionName,
                    (system, _, _) => vm =>
                    {
                        var time = sp.GetRequiredService<TimeProvider>();
                        var (policy, origin, problem) = catalog.InitialFor(vm, initialPolicy, time.GetUtcNow());
                        return RebalancerActor.Props(
                            new RebalancerSettings(vm, member.Value, origin, FaultInjection.AfterDecisionPersisted(),
                                Cluster.Get(system).SelfAddress.ToString(), problem),
                            policy,
                            options.SnapshotEvery,
                            time,
                            sp.GetRequiredService<ILogger<RebalancerActor>>());
                    },
                    new RebalancerMessageExtractor(),
                    new ShardOptions
                    {
                        Role = "coordinator",
                        // after a failover or a hand-off every instance's rebalancer starts again at once
                        RememberEntities = true,
                        // the remembered entities live in the store's journal, like the rebalancers' events
                        RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                        StateStoreMode = StateStoreMode.DData,
                    })
                .AddStartup((system, _) =>
                {
                    sp.GetRequiredService<MemberExit>().Watch(
                        system, sp.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(), sp.GetRequiredService<AgentStreamsEnd>(),
                        sp.GetRequiredService<ILogger<MemberExit>>(), member.Value,
                        new JoinRule(TimeSpan.FromSeconds(akka.JoinTimeoutSeconds), JoinWatch.SeedGrace, options.Quorum, options.EffectiveClusterSize, seeds));
                    if (akka.SeedNodes.Count == 0)
                    {
                        var cluster = Cluster.Get(system);
                        cluster.Join(cluster.SelfAddress);
                    }
                });
        });
    }
}
