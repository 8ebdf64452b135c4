using GiantVm.Security;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GiantVm.Common;
using GiantVm.Common.Emulation;
using GiantVm.Contracts.V1;
using Grpc.Net.Client;

namespace GiantVm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A whole emulated GiantVM as real processes on 127.0.0.1: <c>giantvm-sim emulate</c>, one
/// <c>giantvm-coordinator</c> member on its default SQLite store (or a cluster of several, each
/// with its own ports and data folder, on a throwaway PostgreSQL), a host agent per node and the guest agent (emulated executor; the agents get every
/// member's address), on free ports, in a temporary folder. Disposing stops every process it
/// started. With a <see cref="NetworkLab"/> each member runs in its own network namespace at its
/// own address (Akka bound there with --akka-host) and everything else in the lab's hub, so
/// that the test can partition the members.
/// </summary>
internal sealed class EmulatedCluster : IAsyncDisposable
{
    private readonly TempDir _dir = new("giantvm-e2e");
    private readonly List<ManagedProcess> _processes = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly NetworkLab? _lab;
    private string[][] _memberArgs = [];
    private GrpcChannel? _channel;
    private TestCertificates? _certs;
    private TestPostgres? _postgres;
    private int _guestStarts;
    private ManagedProcess[] _hostAgents = [];
    private int _agentsFirst;
    private int _agentStarts = 1;
    private int _tasks;

    private EmulatedCluster(int nodes, int coordinators, NetworkLab? lab)
    {
        _lab = lab;
        Nodes = nodes;
        Members = new ManagedProcess[coordinators];
        MemberUrls = new string[coordinators];
    }

    public int Nodes { get; }

    /// <summary>The coordinator members (one unless the cluster was started with more).</summary>
    public ManagedProcess[] Members { get; }

    /// <summary>Each member's gRPC URL.</summary>
    public string[] MemberUrls { get; }

    /// <summary>Member i's name (journal records' <c>member</c>, status' rebalancer member).</summary>
    public static string MemberName(int i) => "member-" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>Member i's own data folder (member 0's is <see cref="DataDir"/>).</summary>
    public string MemberDataDir(int i) => i == 0 ? DataDir : _dir.Combine("coordinator" + i.ToString(CultureInfo.InvariantCulture));

    public string Root => _dir.Path;

    public string EmulatorRoot => _dir.Combine("emulated");

    public string DataDir => _dir.Combine("coordinator");

    public string PolicyPath => _dir.Combine("policy.yaml");

    public string CoordinatorUrl { get; private set; } = "";

    public ManagedProcess Coordinator { get; private set; } = null!;

    public ManagedProcess GuestAgent { get; private set; } = null!;

    public AdminService.AdminServiceClient Admin { get; private set; } = null!;

    /// <summary>Starts everything and waits until the coordinator has fresh reports of every node and task.</summary>
    public static async Task<EmulatedCluster> StartAsync(string scenarioYaml, string policyYaml, int nodes, int tasks, int coordinators = 1, NetworkLab? lab = null)
    {
        var cluster = new EmulatedCluster(nodes, coordinators, lab);
        try
        {
            await cluster.StartCoreAsync(scenarioYaml, policyYaml, tasks);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(string scenarioYaml, string policyYaml, int tasks)
    {
        Directory.CreateDirectory(_dir.Combine("logs"));
        // The secure path is the tested path (issue 17): every channel is mutual TLS with
        // certificates issued by scripts/gen-certs.sh, as in a deployment.
        _certs = TestCertificates.Issue(
            "--vm", "giantvm", "--hosts", Nodes.ToString(CultureInfo.InvariantCulture),
            "--members", string.Join(",", Enumerable.Range(0, Members.Length).Select(i => _lab is null ? MemberName(i) : MemberName(i) + "@" + _lab.MemberAddress(i))),
            "--operators", "e2e");
        await File.WriteAllTextAsync(_dir.Combine("scenario.yaml"), scenarioYaml);
        await File.WriteAllTextAsync(PolicyPath, policyYaml);
        Start("emulator", Binaries.Simulator, "emulate", "--root", EmulatorRoot, "--scenario", _dir.Combine("scenario.yaml"));
        if (Members.Length > 1)
        {
            // in a lab the members reach the store in the hub (the partition is between members)
            _postgres = _lab is null
                ? await TestPostgres.StartAsync(CancellationToken.None)
                : await TestPostgres.StartAsync(_lab.Hub, _lab.HubAddress, CancellationToken.None);
        }

        StartCoordinators();
        _channel = Channel(CoordinatorUrl);
        Admin = new AdminService.AdminServiceClient(_channel);
        if (Members.Length > 1)
        {
            // Every member Up before the agents start: they then all connect to the first address
            // they are given (member 0's, the first seed: the oldest member, which runs the rebalancer).
            await Eventually.WaitAsync(async () =>
                (await Admin.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5))).Members.Count(m => m.Status == "Up") == Members.Length,
                TimeSpan.FromSeconds(120), "every coordinator member Up", Logs);
        }

        await Eventually.WaitAsync(() => File.Exists(Path.Combine(EmulatorRoot, "emulator", "status.json")), TimeSpan.FromSeconds(60), "the emulator's files", Logs);
        _hostAgents = new ManagedProcess[Nodes];
        for (var k = 0; k < Nodes; k++)
        {
            StartHostAgent(k);
        }

        StartGuestAgent();
        _tasks = tasks;
        await WaitReportingAsync();
    }

    /// <summary>Waits until every agent is connected and the coordinator has fresh reports of every node and task.</summary>
    private async Task WaitReportingAsync() =>
        await Eventually.WaitAsync(async () =>
        {
            var status = await Admin.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            var nodes = await Admin.ListNodesAsync(new NodesRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            return status.Agents.Count == Nodes + 1
                && nodes.Nodes.Count == Nodes && nodes.Nodes.All(n => !n.Stale && n.HasHostLcBusyCores && n.HasStealRatio)
                && nodes.Nodes.Sum(n => (int)n.BeTasks) == _tasks;
        }, TimeSpan.FromSeconds(120), "every agent connected and every node and task reported", Logs);

    /// <summary>The certificates of this cluster (gen-certs.sh: CA, hosts, guest, members, operator e2e).</summary>
    public TestCertificates Certificates => _certs ?? throw new InvalidOperationException("not started");

    /// <summary>A gRPC channel to <paramref name="url"/> as operator e2e.</summary>
    private GrpcChannel Channel(string url)
    {
        return GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = OperatorHandler() });
    }

    /// <summary>An HTTP handler as operator e2e (mutual TLS), whose connections start in the lab's hub when there is one.</summary>
    private SocketsHttpHandler OperatorHandler()
    {
        var (cert, key) = Certificates.Of("operator-e2e");
        var handler = new SocketsHttpHandler().Use(new TlsMaterial(cert, key, Certificates.Ca));
        if (_lab is not null)
        {
            handler.ConnectCallback = _lab.ConnectAsync;
        }

        return handler;
    }

    /// <summary>Each member's metrics URL (/metrics).</summary>
    public string[] MetricsUrls { get; private set; } = [];

    /// <summary>Member i's /metrics samples (name with labels -> value); null when it does not answer.</summary>
    public async Task<Dictionary<string, double>?> MetricsAsync(int i)
    {
        using var http = new HttpClient(OperatorHandler()) { Timeout = TimeSpan.FromSeconds(3) };
        string text;
        try
        {
            text = await http.GetStringAsync(MetricsUrls[i] + "/metrics");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }

        var values = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            var space = line.LastIndexOf(' ');
            if (line.Length > 0 && line[0] != '#' && space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                values[line[..space]] = v;
            }
        }

        return values;
    }

    /// <summary>Runs giantvmctl (as operator e2e, given every member's URL; in the lab's hub when there is one); returns its exit code and output.</summary>
    public Task<(int Exit, string Out, string Err)> CtlAsync(params string[] args) => CtlOnAsync(null, args);

    /// <summary>Runs giantvmctl against member <paramref name="member"/> only (null: every member's URL, tried in turn).</summary>
    public async Task<(int Exit, string Out, string Err)> CtlOnAsync(int? member, params string[] args)
    {
        var (cert, key) = Certificates.Of("operator-e2e");
        var info = new System.Diagnostics.ProcessStartInfo(_lab is null ? "dotnet" : "ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        List<string> all = _lab is null ? [] : ["netns", "exec", _lab.Hub, "dotnet"];
        all.AddRange([Binaries.Ctl, .. args, "--coordinator", member is { } i ? MemberUrls[i] : string.Join(",", MemberUrls), "--cert", cert, "--key", key, "--ca", Certificates.Ca]);
        all.ForEach(info.ArgumentList.Add);
        info.Environment["GIANTVM_CONFIG"] = _dir.Combine("no-contexts.yaml");
        using var p = System.Diagnostics.Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("giantvmctl " + string.Join(' ', args) + " did not end within 60 s");
        }

        return (p.ExitCode, await stdout, await stderr);
    }

    private string[] TlsArgs(string identity)
    {
        var (cert, key) = Certificates.Of(identity);
        return ["--tls-cert", cert, "--tls-key", key, "--tls-ca", Certificates.Ca];
    }

    /// <summary>The agents' --coordinator value: every member's URL, tried in turn, member <see cref="_agentsFirst"/>'s first.</summary>
    private string AgentCoordinators => string.Join(",", MemberUrls.Skip(_agentsFirst).Concat(MemberUrls.Take(_agentsFirst)));

    private void StartHostAgent(int k)
    {
        var node = k.ToString(CultureInfo.InvariantCulture);
        var host = Path.Combine(EmulatorRoot, "host" + node);
        _hostAgents[k] = Start("host" + node + (_agentStarts > 1 ? "-" + _agentStarts.ToString(CultureInfo.InvariantCulture) : ""), Binaries.Agent,
            ["run", "--role", "host", "--node-id", node,
            "--coordinator", AgentCoordinators, "--proc-root", Path.Combine(host, "proc"), "--sys-root", Path.Combine(host, "sys"), "--lc-cgroup", "lc",
            .. TlsArgs("host-giantvm-" + node)]);
    }

    /// <summary>
    /// Stops every agent (SIGTERM) and starts it again with member <paramref name="first"/>'s URL
    /// first in its --coordinator list, as an operator who points the agents at one member would:
    /// they then connect to that member (tests that need the agents on a given member). Returns
    /// once every agent is connected and every node and task is reported again.
    /// </summary>
    public async Task RestartAgentsAsync(int first)
    {
        _agentsFirst = first;
        _agentStarts++;
        await Task.WhenAll(_hostAgents.Append(GuestAgent).Select(agent => Task.Run(() => agent.Terminate(TimeSpan.FromSeconds(10)))));

        for (var k = 0; k < Nodes; k++)
        {
            StartHostAgent(k);
        }

        StartGuestAgent();
        await WaitReportingAsync();
    }

    private void StartCoordinators()
    {
        // In a lab every member has a namespace of its own: the same ports at different addresses.
        var ports = Enumerable.Range(0, Members.Length)
            .Select(_ => _lab is not null ? (Grpc: 5000, Metrics: 5001, Akka: 4053)
                : Members.Length > 1 ? (Grpc: FreePort.Fixed(), Metrics: FreePort.Fixed(), Akka: FreePort.Fixed()) : (Grpc: FreePort.Next(), Metrics: FreePort.Next(), Akka: 0))
            .ToList();
        string Host(int i) => _lab?.MemberAddress(i) ?? "127.0.0.1";
        var seeds = string.Join(",", ports.Select((p, i) => $"akka.tcp://giantvm@{Host(i)}:" + p.Akka.ToString(CultureInfo.InvariantCulture)));
        _memberArgs = new string[Members.Length][];
        MetricsUrls = new string[Members.Length];
        for (var i = 0; i < Members.Length; i++)
        {
            MemberUrls[i] = $"https://{Host(i)}:{ports[i].Grpc.ToString(CultureInfo.InvariantCulture)}";
            MetricsUrls[i] = $"{(_lab is null ? "http" : "https")}://{Host(i)}:{ports[i].Metrics.ToString(CultureInfo.InvariantCulture)}";
            List<string> args = ["--policy", PolicyPath, "--urls", MemberUrls[i],
                "--metrics-url", MetricsUrls[i], "--data-dir", MemberDataDir(i), .. TlsArgs("coordinator-" + MemberName(i))];
            if (Members.Length > 1)
            {
                args.AddRange(["--member-name", MemberName(i), "--akka-port", ports[i].Akka.ToString(CultureInfo.InvariantCulture),
                    "--seed-nodes", seeds, "--cluster-size", Members.Length.ToString(CultureInfo.InvariantCulture), "--store", _postgres!.StoreUri]);
            }

            if (_lab is not null)
            {
                args.AddRange(["--akka-host", Host(i)]);
            }

            _memberArgs[i] = [.. args];
            StartMember(i);
        }

        Coordinator = Members[0];
        CoordinatorUrl = MemberUrls[0];
    }

    /// <summary>Starts member i (again, e.g. as systemd's Restart=always does after it exited), with the same arguments.</summary>
    public ManagedProcess StartMember(int i)
    {
        var name = i == 0 ? "coordinator" : "coordinator" + i.ToString(CultureInfo.InvariantCulture);
        if (Members[i] is { HasExited: true } previous)
        {
            previous.Dispose();
            _processes.Remove(previous);
        }

        Members[i] = Start(name, Binaries.Coordinator, i, _memberArgs[i]);
        return Members[i];
    }

    /// <summary>An AdminService client on member i.</summary>
    public AdminService.AdminServiceClient AdminOf(int i)
    {
        var channel = Channel(MemberUrls[i]);
        _channels.Add(channel);
        return new AdminService.AdminServiceClient(channel);
    }

    /// <summary>Starts (again) the guest agent with the emulated executor.</summary>
    public ManagedProcess StartGuestAgent()
    {
        _guestStarts++;
        GuestAgent = Start("guest" + (_guestStarts > 1 ? _guestStarts.ToString(CultureInfo.InvariantCulture) : ""), Binaries.Agent, ["run", "--role", "guest",
            "--coordinator", AgentCoordinators, "--proc-root", Path.Combine(EmulatorRoot, "guest", "proc"),
            "--sys-root", Path.Combine(EmulatorRoot, "guest", "sys"), "--be-cgroup", "be",
            "--executor", "emulated", "--emulator-root", EmulatorRoot, .. TlsArgs("guest-giantvm")]);
        return GuestAgent;
    }

    /// <summary>Changes a node's LC load from now on (the emulator's control/lc protocol).</summary>
    public void SetLc(int node, string load)
    {
        AtomicFile.WriteAllText(Path.Combine(EmulatorControl.LcFolder(EmulatorRoot), node.ToString(CultureInfo.InvariantCulture)), load + "\n");
    }

    /// <summary>The emulator's status.json (the model's figures).</summary>
    public JsonObject Status()
    {
        var path = Path.Combine(EmulatorRoot, "emulator", "status.json");
        return (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;
    }

    public double StatusTime() => (double)Status()["time_seconds"]!;

    /// <summary>Node id of every task's CPUs and pages: (pid, cpu node, page node).</summary>
    public List<(int Pid, int CpuNode, int PageNode)> Placement() =>
        Status()["tasks"]!.AsArray().Select(t => ((int)t!["pid"]!, (int)t["cpu_node"]!, (int)t["page_node"]!)).ToList();

    /// <summary>
    /// The migration log's records (each as the JSON object <c>giantvmctl migrations -o json</c>
    /// prints), in journal order, read from the store's read model as <c>sqlite3</c> or
    /// <c>psql</c> would (empty until the coordinator has created it).
    /// </summary>
    public List<JsonObject> Journal()
    {
        if (_lab is not null)
        {
            throw new InvalidOperationException("in a network lab the store is reachable only from the lab's namespaces: read the log with CtlAsync(\"migrations\", \"-o\", \"json\")");
        }

        using var connection = _postgres is null
            ? (System.Data.Common.DbConnection)new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDir, "giantvm.db")};Mode=ReadOnly;Pooling=false")
            : new Npgsql.NpgsqlConnection(_postgres.ConnectionString);
        var records = new List<JsonObject>();
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT record FROM giantvm_migration_log ORDER BY ordering";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                records.Add((JsonObject)JsonNode.Parse(reader.GetString(0))!);
            }
        }
        catch (System.Data.Common.DbException)
        {
            // no database or no read model yet: nothing recorded
            return [];
        }

        return records;
    }

    /// <summary>The migration log as member <paramref name="member"/> lists it: every member reads the one store.</summary>
    public List<JsonObject> Journal(int member) => Journal();

    /// <summary>
    /// The node the cluster model says can take all BE demand with the least steal (LC demand +
    /// BE demand over its CPUs; ties: lowest id), from the emulator's current figures.
    /// </summary>
    public int LowestStealNodeForAllTasks(IReadOnlySet<int>? excluded = null)
    {
        var s = Status();
        var be = s["tasks"]!.AsArray().Sum(t => (double)t!["demand_cores"]!);
        return s["nodes"]!.AsArray()
            .Where(n => excluded is null || !excluded.Contains((int)n!["id"]!))
            .OrderBy(n => Math.Max(0, (double)n!["lc_demand_cores"]! + be - (int)n["cpus"]!))
            .ThenBy(n => (int)n!["id"]!)
            .Select(n => (int)n!["id"]!)
            .First();
    }

    /// <summary>Every process's recent output, for failure messages.</summary>
    public string Logs()
    {
        var sb = new StringBuilder();
        sb.Append("work dir ").Append(Root).Append('\n');
        foreach (var p in _processes)
        {
            var lines = p.Output.Split('\n');
            sb.Append("--- ").Append(p.Name).Append(p.HasExited ? " (exited)" : "").Append(" ---\n");
            sb.AppendJoin('\n', lines.Skip(Math.Max(0, lines.Length - 15))).Append('\n');
        }

        try
        {
            sb.Append("--- status.json ---\n").Append(File.ReadAllText(Path.Combine(EmulatorRoot, "emulator", "status.json")));
        }
        catch (IOException)
        {
        }

        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        _certs?.Dispose();
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        foreach (var p in Enumerable.Reverse(_processes))
        {
            try
            {
                p.Terminate(TimeSpan.FromSeconds(5));
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (Environment.GetEnvironmentVariable("GIANTVM_E2E_KEEP") is null)
        {
            _dir.Dispose();
        }
    }

    private ManagedProcess Start(string name, string dll, params string[] args) => Start(name, dll, null, args);

    /// <summary>Starts a process: coordinator member <paramref name="member"/> (null: anything else), in its namespace when in a lab.</summary>
    private ManagedProcess Start(string name, string dll, int? member, params string[] args)
    {
        var p = ManagedProcess.Start(name, dll, args, _dir.Combine("logs", name + ".log"), _lab?.NamespaceOf(member));
        _processes.Add(p);
        return p;
    }
}
