using System.CommandLine;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// giantvm-coordinator's flags. Each flag sets a configuration key, so everything a flag sets
/// can also come from --config (JSON, section "Coordinator") or GIANTVM_Coordinator__Key
/// environment variables; flags win.
/// </summary>
public static class CoordinatorCommandLine
{
    public static RootCommand Create(Func<CoordinatorLaunch, CancellationToken, Task<int>> run)
    {
        var policy = new Option<string>("--policy") { Description = "Policy file, or a shipped policy name: none, all-be, balanced, least-tasks, random, default, demo, lc-harm, lc-harm-frugal (Coordinator:Policy)", HelpName = "FILE|NAME" };
        var config = new Option<string>("--config") { Description = "appsettings-style JSON file with a \"Coordinator\" section (and \"urls\")", HelpName = "FILE" };
        var urls = new Option<string>("--urls") { Description = $"gRPC listen URL(s), ';'-separated; https:// with --tls-*, http:// (plaintext HTTP/2) without (urls, ASPNETCORE_URLS) [default: {CoordinatorApp.DefaultUrls}, https with TLS]", HelpName = "URLS" };
        var metricsUrl = new Option<string>("--metrics-url") { Description = "HTTP/1.1 URL for /metrics and /healthz (Coordinator:MetricsUrl) [default: http://127.0.0.1:5001]", HelpName = "URL" };
        var dataDir = new Option<string>("--data-dir") { Description = "Folder for the migration journal and logs (Coordinator:DataDir) [default: data]", HelpName = "DIR" };
        var insecure = new Option<bool>("--insecure") { Description = "Allow plaintext non-loopback listen addresses: nothing is authenticated; development only, logged every minute (Coordinator:Insecure)" };
        var tlsCert = new Option<string>("--tls-cert") { Description = "This member's certificate (PEM, a spiffe://giantvm/coordinator/NAME identity): gRPC becomes HTTPS with client certificates required (Coordinator:Tls:Cert)", HelpName = "FILE" };
        var tlsKey = new Option<string>("--tls-key") { Description = "The certificate's private key (PEM) (Coordinator:Tls:Key)", HelpName = "FILE" };
        var tlsCa = new Option<string>("--tls-ca") { Description = "The deployment's CA (PEM); clients must chain to it (Coordinator:Tls:Ca)", HelpName = "FILE" };
        var store = new Option<string>("--store") { Description = "Where events, snapshots and the migration log live: sqlite:PATH (one member) or postgres://USER@HOST:PORT/DB[?sslmode=require] (a cluster; tables created on first start) (Coordinator:Store) [default: sqlite:DATA_DIR/giantvm.db]", HelpName = "URI" };
        var storePassword = new Option<string>("--store-password-file") { Description = "File holding the PostgreSQL password (Coordinator:StorePasswordFile) [default: $GIANTVM_STORE_PASSWORD, else none]", HelpName = "FILE" };
        var policyDir = new Option<string>("--policy-dir") { Description = "Folder of per-instance policies DIR/VM.yaml (same validation and reload rules); an instance without one uses --policy (Coordinator:PolicyDir)", HelpName = "DIR" };
        var maxVms = new Option<int?>("--max-vms") { Description = "GiantVM instances the cluster serves at most (an instance exists once one of its agents says hello); the next is refused RESOURCE_EXHAUSTED (Coordinator:MaxVms) [default: 1000]", HelpName = "N" };
        var retain = new Option<string>("--retain") { Description = "Keep migration log rows and rebalancer events this long (30d, 12h, 90m; 0 or off: forever); older ones are deleted hourly by the oldest member, snapshots kept (Coordinator:Retain) [default: 30d]", HelpName = "DURATION" };
        var member = new Option<string>("--member-name") { Description = "Name in journal records and status (Coordinator:MemberName) [default: host:grpc-port]", HelpName = "NAME" };
        var akkaPort = new Option<int?>("--akka-port") { Description = "Akka remoting port, 0 = any free port (Coordinator:Akka:Port) [default: 0]", HelpName = "PORT" };
        var akkaHost = new Option<string>("--akka-host") { Description = "Address Akka remoting binds to and the other members reach this one at: an IP or host name, one per member when several share a machine (Coordinator:Akka:Hostname) [default: 127.0.0.1]", HelpName = "ADDR" };
        var seedNodes = new Option<string>("--seed-nodes") { Description = "Comma-separated Akka seed node addresses of the coordinator cluster, e.g. akka.tcp://giantvm@127.0.0.1:4053,akka.tcp://giantvm@127.0.0.1:4054 (Coordinator:Akka:SeedNodes) [default: none: a one-member cluster]", HelpName = "ADDRS" };
        var clusterSize = new Option<int?>("--cluster-size") { Description = "Configured number of members; more than one needs --store postgres://... (Coordinator:ClusterSize) [default: number of seed nodes, or 1]", HelpName = "N" };
        var maxStreams = new Option<int?>("--max-streams") { Description = "Agent streams this member serves at once; more are refused RESOURCE_EXHAUSTED (Coordinator:MaxStreams) [default: 5000]", HelpName = "N" };
        var maxReportRate = new Option<double?>("--max-report-rate") { Description = "Reports a second accepted on one agent stream; the excess is dropped and counted (Coordinator:MaxReportRate) [default: 10]", HelpName = "N" };
        var maxTasks = new Option<int?>("--max-tasks-per-report") { Description = "Tasks one guest report may list; a longer one ends the stream RESOURCE_EXHAUSTED (Coordinator:MaxTasksPerReport) [default: 100000]", HelpName = "N" };
        var logLevel = new Option<string>("--log-level") { Description = "Verbose, Debug, Information, Warning, Error (Coordinator:LogLevel) [default: Information]", HelpName = "LEVEL" };
        var verbose = new Option<bool>("--verbose") { Description = "Print stack traces with errors" };

        var root = new RootCommand(
            "giantvm-coordinator: decides BE-task migrations between the virtual NUMA nodes of GiantVM guests (one rebalancer per GiantVM instance, sharded over the cluster's members). " +
            "Agents connect over gRPC (AgentService), giantvmctl over AdminService; every decision, result and state change is persisted " +
            "in the store (--store: SQLite for one member, PostgreSQL for a cluster) before it takes effect; the migration log is read from the same database. With --tls-cert/--tls-key/--tls-ca every channel is mutually authenticated (docs/security.md). Exit codes: 0 clean stop, 1 runtime failure (including this member being downed or removed from the cluster: restart it), 2 usage or policy error.");
        foreach (var option in new Option[] { policy, config, urls, metricsUrl, dataDir, store, storePassword, retain, insecure, tlsCert, tlsKey, tlsCa, policyDir, maxVms, member, akkaPort, seedNodes, clusterSize, maxStreams, maxReportRate, maxTasks, logLevel, verbose })
        {
            root.Options.Add(option);
        }

        root.Options.Add(akkaHost);

        root.SetAction((parse, token) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            void Set(string key, string? value)
            {
                if (value is not null)
                {
                    overrides[key] = value;
                }
            }

            Set("Coordinator:Policy", parse.GetValue(policy));
            Set("urls", parse.GetValue(urls));
            Set("Coordinator:MetricsUrl", parse.GetValue(metricsUrl));
            Set("Coordinator:DataDir", parse.GetValue(dataDir));
            Set("Coordinator:PolicyDir", parse.GetValue(policyDir));
            Set("Coordinator:MaxVms", parse.GetValue(maxVms)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set("Coordinator:Store", parse.GetValue(store));
            Set("Coordinator:StorePasswordFile", parse.GetValue(storePassword));
            Set("Coordinator:Retain", parse.GetValue(retain));
            Set("Coordinator:MemberName", parse.GetValue(member));
            Set("Coordinator:LogLevel", parse.GetValue(logLevel));
            Set("Coordinator:Tls:Cert", parse.GetValue(tlsCert));
            Set("Coordinator:Tls:Key", parse.GetValue(tlsKey));
            Set("Coordinator:Tls:Ca", parse.GetValue(tlsCa));
            Set("Coordinator:Akka:Hostname", parse.GetValue(akkaHost));
            Set("Coordinator:Akka:Port", parse.GetValue(akkaPort)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set("Coordinator:MaxStreams", parse.GetValue(maxStreams)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set("Coordinator:MaxReportRate", parse.GetValue(maxReportRate)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set("Coordinator:MaxTasksPerReport", parse.GetValue(maxTasks)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set("Coordinator:ClusterSize", parse.GetValue(clusterSize)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (parse.GetValue(seedNodes) is { } seeds)
            {
                var list = seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var i = 0; i < list.Length; i++)
                {
                    Set($"Coordinator:Akka:SeedNodes:{i}", list[i]);
                }
            }
            if (parse.GetValue(insecure))
            {
                Set("Coordinator:Insecure", "true");
            }

            return run(new CoordinatorLaunch(parse.GetValue(config), overrides, parse.GetValue(verbose)), token);
        });
        return root;
    }

    /// <summary>Parses and runs; parse errors end in one line on stderr and exit code 2.</summary>
    public static async Task<int> InvokeAsync(string[] args, Func<CoordinatorLaunch, CancellationToken, Task<int>> run, TextWriter stderr)
    {
        var root = Create(run);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"giantvm-coordinator: {parse.Errors[0].Message} (see --help)");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync();
    }
}
