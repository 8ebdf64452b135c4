// Load generator for scripts/bench.d/coordinator.sh and scripts/bench.d/coordinator-vms.sh (a .NET 10
// file-based app). Synthetic agents (per GiantVM instance 1 guest + hosts) stream reports over
// loopback gRPC. The "fast" phase is a closed loop (each agent waits for the ack of its report
// before sending the next) and runs, with the same agents' code in this process, against
//   1. a bare gRPC echo (scripts/bench.d/coordinator-echo.cs, built beforehand: processes of their
//      own on the same gRPC stack, as many as coordinator processes, AgentService.Connect answering
//      every message with an ack), then
//   2. the coordinator: one member in this process (default; real Kestrel h2c, real Akka system),
//      or with --members N that many giantvm-coordinator processes (Release build under --repo) on
//      loopback sharing --store postgres://...,
// and prints reports/s (for the coordinator: applied to the rebalancers' snapshots, read from the
// giantvm_snapshot_reports_total metric of every member), ack latency p50/p99, and the
// coordinator/echo ratio.
// With --steady-seconds S (cluster mode) a "steady" phase comes first: every agent reports once a
// second for S seconds; judged from the members' metrics: rounds late by more than 1 s (the share
// of giantvm_round_interval_seconds above interval + 1 s), rounds counted vs expected, persist
// latency p50/p99 (giantvm_persist_duration_seconds), RSS and rebalancers per member. One instance
// in four has a hot node (moving every 15 s) so its rounds decide and persist; the guests answer
// every command with a done result.
// Usage: dotnet run coordinator-load.cs -- [agents=1000] [seconds=10] [--echo FILE.cs]
//        dotnet run coordinator-load.cs -- --members 3 --repo DIR --store postgres://... \
//            [--vms 200] [--agents-per-vm 5] [--steady-seconds 60] [--seconds 20] [--echo FILE.cs]
// --echo: the echo app (default: coordinator-echo.cs beside this file; run with dotnet run --no-build).
#:sdk Microsoft.NET.Sdk.Web
#:project ../../coordinator/GiantVm.Coordinator/GiantVm.Coordinator.csproj
#:property TreatWarningsAsErrors=false
#:property InvariantGlobalization=true

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var memberCount = int.Parse(Arg("--members", "0")!, CultureInfo.InvariantCulture);
var clusterMode = memberCount > 0;
var vms = int.Parse(Arg("--vms", clusterMode ? "200" : "1")!, CultureInfo.InvariantCulture);
var perVm = int.Parse(Arg("--agents-per-vm", clusterMode ? "5" : (positional.Length > 0 ? positional[0] : "1000"))!, CultureInfo.InvariantCulture);
var seconds = double.Parse(Arg("--seconds", positional.Length > 1 ? positional[1] : (clusterMode ? "20" : "10"))!, CultureInfo.InvariantCulture);
var steadySeconds = double.Parse(Arg("--steady-seconds", clusterMode ? "60" : "0")!, CultureInfo.InvariantCulture);
if (vms < 1 || perVm < 2 || seconds <= 0 || steadySeconds < 0 || (clusterMode && (Arg("--repo", null) is null || Arg("--store", null) is null)))
{
    Console.Error.WriteLine("coordinator-load: --vms >= 1, --agents-per-vm >= 2, --seconds > 0, --steady-seconds >= 0; --members N needs --repo DIR and --store postgres://...");
    return 2;
}

var layout = new Layout(vms, perVm);
var data = Directory.CreateTempSubdirectory("giantvm-bench-");

// Echo baseline first (a process of its own), then the coordinator; the agents run in this process
// for both.
var echoApp = Arg("--echo", null) ?? Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "coordinator-echo.cs");
if (!File.Exists(echoApp))
{
    Console.Error.WriteLine($"coordinator-load: the echo app {echoApp} does not exist (--echo FILE.cs)");
    return 2;
}

// As many echo processes as coordinator processes, the agents' channels spread over them the same
// way: the same client layout and the same number of server processes competing for the cores.
var echoes = new List<EchoProcess>();
LoadResult echoResult;
try
{
    foreach (var _ in Enumerable.Range(0, Math.Max(1, memberCount)))
    {
        echoes.Add(await EchoProcess.StartAsync(echoApp, FreePort()));
    }

    await using var echoAgents = await Fleet.ConnectAsync(layout, echoes.Select(e => e.Url).ToArray());
    echoResult = await echoAgents.FastAsync(seconds, metricsUrls: [], echoes.Select(e => e.Pid).ToArray());
}
catch (Exception e) when (e is TimeoutException or RpcException or InvalidOperationException)
{
    Console.Error.WriteLine("coordinator-load: echo baseline: " + e.Message);
    return 1;
}
finally
{
    foreach (var e in echoes)
    {
        await e.DisposeAsync();
    }
}

if (!clusterMode)
{
    var grpcPort = FreePort();
    var metricsPort = FreePort();
    var coordinator = CoordinatorApp.Build(new CoordinatorLaunch(null, new Dictionary<string, string?>
    {
        ["Coordinator:Policy"] = "none",
        ["Coordinator:DataDir"] = data.FullName,
        ["Coordinator:ConsoleLog"] = "false",
        ["Coordinator:LogLevel"] = "Warning",
        ["urls"] = $"http://127.0.0.1:{grpcPort}",
        ["Coordinator:MetricsUrl"] = $"http://127.0.0.1:{metricsPort}",
        ["Coordinator:MaxNodeId"] = layout.Agents.ToString(CultureInfo.InvariantCulture),
        // Each simulated agent reports as fast as its acks come back: lift the per-stream report rate
        // (default 10/s) and the stream cap (default 5,000) so the benchmark measures ingest, not the limits.
        ["Coordinator:MaxReportRate"] = "1000000",
        ["Coordinator:MaxStreams"] = Math.Max(5000, layout.Agents * 2).ToString(CultureInfo.InvariantCulture),
    }));
    await coordinator.StartAsync();
    LoadResult coordinatorResult;
    await using (var fleet = await Fleet.ConnectAsync(layout, [$"http://127.0.0.1:{grpcPort}"]))
    {
        coordinatorResult = await fleet.FastAsync(seconds, [$"http://127.0.0.1:{metricsPort}/metrics"], serverPids: []);
    }

    await coordinator.StopAsync();
    data.Delete(recursive: true);
    Console.WriteLine($"agents={layout.Agents} duration={seconds}s cores={Environment.ProcessorCount}");
    PrintFast(echoResult, coordinatorResult);
    Console.WriteLine($"target 20000 reports/s: {(coordinatorResult.ReportsPerSecond >= 20000 ? "met" : "NOT met")}");
    return 0;
}

// Cluster mode: real member processes.
var repo = Arg("--repo", null)!;
var store = Arg("--store", null)!;
var coordinatorDll = Path.Combine(repo, "coordinator/GiantVm.Coordinator/bin/Release/net10.0/giantvm-coordinator.dll");
if (!File.Exists(coordinatorDll))
{
    Console.Error.WriteLine($"coordinator-load: {coordinatorDll} is not built (dotnet build -c Release)");
    return 1;
}

const double Interval = 1.0; // the policy's round interval and the steady agents' report interval, seconds
var policy = Path.Combine(data.FullName, "policy.yaml");
File.WriteAllText(policy, """
    name: bench
    mode: balanced
    interval: 1s
    command_timeout: 10s
    signal: { ema_alpha: 1.0, steal_high: 0.15, steal_low: 0.05, hot_after: 1, cool_after: 1, stale_after: 10s }
    migrate: { min_improvement: 0.01, max_per_round: 2, max_per_node_per_round: 2, max_per_minute: 120, cooldown: 20s, return_block: 20s, min_cpu_cores: 0.05 }
    """);
var members = Enumerable.Range(0, memberCount).Select(i => new Member(i, FreePort(), FreePort(), FreePort())).ToArray();
var seeds = string.Join(",", members.Select(m => $"akka.tcp://giantvm@127.0.0.1:{m.AkkaPort}"));
var exitCode = 1;
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
try
{
    foreach (var m in members)
    {
        var dir = Path.Combine(data.FullName, "member-" + m.Index);
        Directory.CreateDirectory(dir);
        // The report rate is lifted from the start: the steady phase stays at one report a second
        // per agent by itself, the fast phase needs the limit out of the way.
        m.Process = Start(coordinatorDll, Path.Combine(dir, "out.log"), "--policy", policy, "--urls", m.Url,
            "--metrics-url", $"http://127.0.0.1:{m.MetricsPort}", "--data-dir", dir, "--member-name", "member-" + m.Index,
            "--akka-port", m.AkkaPort.ToString(CultureInfo.InvariantCulture), "--seed-nodes", seeds,
            "--cluster-size", memberCount.ToString(CultureInfo.InvariantCulture), "--store", store, "--log-level", "Warning",
            "--max-report-rate", "1000000");
    }

    using (var channel = GrpcChannel.ForAddress(members[0].Url))
    {
        var admin = new AdminService.AdminServiceClient(channel);
        await Until(async () =>
        {
            var s = await admin.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            return s.Members.Count(x => x.Status == "Up") == memberCount;
        }, TimeSpan.FromSeconds(180), $"{memberCount} members Up");
    }

    var clock = Stopwatch.StartNew();
    await using var fleet = await Fleet.ConnectAsync(layout, members.Select(m => m.Url).ToArray());
    var metricsUrls = members.Select(m => m.MetricsUrl).ToArray();
    Console.WriteLine($"coordinator-vms: {layout.Agents} agents of {vms} instances connected in {clock.Elapsed.TotalSeconds:0.0} s");

    // Phase 1: one report a second per agent. A rebalancer starts at its instance's first report:
    // measure from 5 s after all of them are recording.
    var steady = await fleet.SteadyAsync(steadySeconds, TimeSpan.FromSeconds(5), () => ScrapeAll(http, members), async () =>
    {
        await Until(async () => SumAll(await ScrapeAll(http, members), k => k.StartsWith("giantvm_rebalancer_recording{", StringComparison.Ordinal)) >= vms,
            TimeSpan.FromSeconds(180), $"{vms} rebalancers recording");
        Console.WriteLine($"coordinator-vms: {vms} rebalancers recording {clock.Elapsed.TotalSeconds:0.0} s after the first hello");
    });
    var before = steady.Before;
    var after = steady.After;
    var intervals = Delta(before, after, "giantvm_round_interval_seconds_count");
    var onTime = Delta(before, after, Bucket(after, "giantvm_round_interval_seconds_bucket", Interval + 1.0));
    var late = intervals - onTime;
    var lateShare = intervals == 0 ? 1 : late / intervals;
    var rounds = DeltaWhere(before, after, k => k.StartsWith("giantvm_decision_rounds_total{", StringComparison.Ordinal));
    var persists = Delta(before, after, "giantvm_persist_duration_seconds_count");
    var decisions = DeltaWhere(before, after, k => k.StartsWith("giantvm_decisions_total{", StringComparison.Ordinal));
    var results = DeltaWhere(before, after, k => k.StartsWith("giantvm_migration_results_total{", StringComparison.Ordinal));
    var persistP50 = Percentile(before, after, "giantvm_persist_duration_seconds_bucket", 0.50);
    var persistP99 = Percentile(before, after, "giantvm_persist_duration_seconds_bucket", 0.99);
    var intervalP99 = Percentile(before, after, "giantvm_round_interval_seconds_bucket", 0.99);
    var memberLines = members.Select(m => (m.Index, Rss: ReadRssBytes(m.Process!.Id), Entities: after[m.Index].GetValueOrDefault("giantvm_rebalancers"),
        Streams: after[m.Index].Where(kv => kv.Key.StartsWith("giantvm_agent_sessions{", StringComparison.Ordinal)).Sum(kv => kv.Value))).ToList();

    // Phase 2: as fast as the acks come back.
    var coordinatorResult = await fleet.FastAsync(seconds, metricsUrls, members.Select(m => m.Process!.Id).ToArray());

    Console.WriteLine();
    Console.WriteLine($"instances={vms} agents={layout.Agents} ({vms} x {perVm}: 1 guest + {perVm - 1} hosts) members={memberCount} store=postgres cores={Environment.ProcessorCount}");
    Console.WriteLine($"phase 1: one report a second per agent for {steadySeconds:0} s (measured after every rebalancer recorded and a 5 s warm-up)");
    Console.WriteLine($"  reports sent {steady.Sent}, acks received {steady.Acked} (reports and results); commands to guests {fleet.Commands}, results sent {fleet.Results}");
    Console.WriteLine($"  decision rounds {rounds:0} (expected about {vms * steadySeconds / Interval:0}: {vms} instances x {steadySeconds:0} s); round intervals observed {intervals:0}, late by more than 1 s {late:0} ({100 * lateShare:0.00} %), p99 interval <= {intervalP99:0.00} s");
    Console.WriteLine($"  events persisted {persists:0} (decisions {decisions:0}, results {results:0}); persist latency p50 <= {1000 * persistP50:0.0} ms, p99 <= {1000 * persistP99:0.0} ms (histogram bucket bounds)");
    Console.WriteLine($"  {"member",7} {"rss MiB",9} {"rebalancers",12} {"streams",8}");
    foreach (var l in memberLines)
    {
        Console.WriteLine($"  {"m" + l.Index,7} {l.Rss / 1048576,9:0.0} {l.Entities,12:0} {l.Streams,8:0}");
    }

    Console.WriteLine($"phase 2: as fast as acks come back for {seconds:0} s (closed loop), same agents against {memberCount} bare gRPC echo processes first (coordinator-echo.cs)");
    PrintFast(echoResult, coordinatorResult);
    var ratio = coordinatorResult.ReportsPerSecond / echoResult.ReportsPerSecond;
    var verdicts = new (string Target, bool Met)[]
    {
        ($"rounds late by more than 1 s < 1 % ({100 * lateShare:0.00} %)", intervals > 0 && lateShare < 0.01),
        ($"ingest >= 20000 reports/s ({coordinatorResult.ReportsPerSecond:0})", coordinatorResult.ReportsPerSecond >= 20000),
        ($"ingest >= 0.5x echo ({ratio:0.00}x)", ratio >= 0.5),
    };
    Console.WriteLine();
    foreach (var (target, met) in verdicts)
    {
        Console.WriteLine($"{(met ? "PASS" : "FAIL")}  {target}");
    }

    var exited = members.Where(m => m.Process!.HasExited).ToList();
    if (exited.Count > 0)
    {
        Console.WriteLine($"FAIL  members exited during the run: {string.Join(", ", exited.Select(m => "member-" + m.Index))}");
    }

    exitCode = verdicts.All(v => v.Met) && exited.Count == 0 ? 0 : 1;
}
catch (Exception e) when (e is TimeoutException or RpcException or HttpRequestException)
{
    Console.Error.WriteLine("coordinator-vms: " + e.Message);
    exitCode = 1;
}
finally
{
    foreach (var m in members)
    {
        try
        {
            if (m.Process is { HasExited: false } p)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    if (Environment.GetEnvironmentVariable("GIANTVM_BENCH_KEEP") is null)
    {
        data.Delete(recursive: true);
    }
    else
    {
        Console.WriteLine("coordinator-vms: kept " + data.FullName);
    }
}

return exitCode;

string? Arg(string name, string? fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static void PrintFast(LoadResult echoResult, LoadResult coordinatorResult)
{
    Console.WriteLine($"{"target",-12} {"reports/s",12} {"ack p50 ms",11} {"ack p99 ms",11} {"reports",10} {"server cpu s",13} {"cpu us/report",14} {"load cpu s",11} {"load us/report",15}");
    foreach (var (name, r) in new[] { ("echo", echoResult), ("coordinator", coordinatorResult) })
    {
        Console.WriteLine($"{name,-12} {r.ReportsPerSecond,12:0} {r.P50Ms,11:0.00} {r.P99Ms,11:0.00} {r.Reports,10} {r.ServerCpuSeconds,13:0.0} {r.ServerCpuMicrosPerReport,14:0.0} {r.LoadCpuSeconds,11:0.0} {r.LoadCpuMicrosPerReport,15:0.0}");
    }

    Console.WriteLine($"ratio coordinator/echo reports/s = {coordinatorResult.ReportsPerSecond / echoResult.ReportsPerSecond:0.00}");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static Process Start(string dll, string log, params string[] arguments)
{
    var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    info.ArgumentList.Add(dll);
    foreach (var a in arguments)
    {
        info.ArgumentList.Add(a);
    }

    var p = Process.Start(info)!;
    var writer = new StreamWriter(log) { AutoFlush = true };
    p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
    p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
    p.BeginOutputReadLine();
    p.BeginErrorReadLine();
    return p;
}

static double ReadRssBytes(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }

    return 0;
}

static async Task<Dictionary<int, Dictionary<string, double>>> ScrapeAll(HttpClient http, Member[] members)
{
    var all = new Dictionary<int, Dictionary<string, double>>();
    foreach (var m in members)
    {
        all[m.Index] = Metrics.Parse(await http.GetStringAsync(m.MetricsUrl));
    }

    return all;
}

static double SumAll(Dictionary<int, Dictionary<string, double>> scrape, Func<string, bool> key) =>
    scrape.Values.Sum(v => v.Where(kv => key(kv.Key)).Sum(kv => kv.Value));

static double Delta(Dictionary<int, Dictionary<string, double>> before, Dictionary<int, Dictionary<string, double>> after, string key) =>
    DeltaWhere(before, after, k => k == key);

static double DeltaWhere(Dictionary<int, Dictionary<string, double>> before, Dictionary<int, Dictionary<string, double>> after, Func<string, bool> key) =>
    SumAll(after, key) - SumAll(before, key);

// The series name of the bucket whose upper bound is le (as the members print it).
static string Bucket(Dictionary<int, Dictionary<string, double>> scrape, string name, double le) =>
    scrape.Values.SelectMany(v => v.Keys).First(k => k.StartsWith(name + "{", StringComparison.Ordinal) && Metrics.Le(k) == le);

// The upper bound of the first bucket holding the p-quantile of the observations between the scrapes.
static double Percentile(Dictionary<int, Dictionary<string, double>> before, Dictionary<int, Dictionary<string, double>> after, string name, double p)
{
    var buckets = after.Values.SelectMany(v => v.Keys).Where(k => k.StartsWith(name + "{", StringComparison.Ordinal)).Distinct()
        .Select(k => (Le: Metrics.Le(k), Count: Delta(before, after, k))).OrderBy(b => b.Le).ToList();
    var total = buckets.Count == 0 ? 0 : buckets[^1].Count;
    return total == 0 ? double.NaN : buckets.First(b => b.Count >= p * total).Le;
}

static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
{
    var deadline = DateTime.UtcNow + timeout;
    while (true)
    {
        try
        {
            if (await condition())
            {
                return;
            }
        }
        catch (Exception e) when (e is RpcException or HttpRequestException)
        {
        }

        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
        }

        await Task.Delay(250);
    }
}

/// <param name="ServerCpuSeconds">CPU time (user + system) the server processes used during the phase; NaN when the server runs in this process.</param>
/// <param name="LoadCpuSeconds">CPU time this (load) process used during the phase.</param>
sealed record LoadResult(long Reports, double ReportsPerSecond, double P50Ms, double P99Ms, double ServerCpuSeconds, double LoadCpuSeconds)
{
    /// <summary>Server CPU per report, microseconds (what a change of the ingest path moves, whatever else runs on the machine).</summary>
    public double ServerCpuMicrosPerReport => Reports == 0 ? double.NaN : ServerCpuSeconds * 1e6 / Reports;

    /// <summary>This load process's CPU per report, microseconds: the generator's own cost, which shares the cores with the servers.</summary>
    public double LoadCpuMicrosPerReport => Reports == 0 ? double.NaN : LoadCpuSeconds * 1e6 / Reports;
}

sealed record SteadyResult(long Sent, long Acked, Dictionary<int, Dictionary<string, double>> Before, Dictionary<int, Dictionary<string, double>> After);

/// <summary>How agents map to instances: agent a is instance a / PerVm; its index in the instance 0 is the guest, k > 0 the host of node k - 1.</summary>
sealed record Layout(int Vms, int PerVm)
{
    public int Agents => Vms * PerVm;

    public string Vm(int instance) => Vms == 1 ? "giantvm" : $"vm-{instance:000}";

    // One instance in four has a hot node (when there are hosts to move to).
    public bool Hot(int instance) => Vms > 1 && instance % 4 == 0;
}

sealed class Member(int index, int grpcPort, int metricsPort, int akkaPort)
{
    public int Index { get; } = index;
    public int AkkaPort { get; } = akkaPort;
    public int MetricsPort { get; } = metricsPort;
    public string Url { get; } = $"http://127.0.0.1:{grpcPort}";
    public string MetricsUrl => $"http://127.0.0.1:{MetricsPort}/metrics";
    public Process? Process { get; set; }
}

static class Metrics
{
    public static Dictionary<string, double> Parse(string text)
    {
        var values = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                values[line[..space]] = v;
            }
        }

        return values;
    }

    public static double Le(string series)
    {
        var i = series.IndexOf("le=\"", StringComparison.Ordinal) + 4;
        var text = series[i..series.IndexOf('"', i)];
        return text == "+Inf" ? double.PositiveInfinity : double.Parse(text, CultureInfo.InvariantCulture);
    }
}

/// <summary>All the synthetic agents, connected; agents in blocks of 100 share a channel (Kestrel allows 100 streams per HTTP/2 connection), blocks spread over the urls.</summary>
sealed class Fleet : IAsyncDisposable
{
    private readonly List<GrpcChannel> _channels;
    private readonly SimAgent[] _agents;

    private Fleet(List<GrpcChannel> channels, SimAgent[] agents)
    {
        _channels = channels;
        _agents = agents;
    }

    public long Commands => _agents.Sum(a => a.Commands);

    public long Results => _agents.Sum(a => a.Results);

    public static async Task<Fleet> ConnectAsync(Layout layout, string[] urls)
    {
        var channels = Enumerable.Range(0, (layout.Agents + 99) / 100)
            .Select(c => GrpcChannel.ForAddress(urls[c % urls.Length], new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            }))
            .ToList();
        var agents = Enumerable.Range(0, layout.Agents).Select(a => new SimAgent(layout, a)).ToArray();
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (a, _) => await a.ConnectAsync(channels[a.Id / 100]));
        return new Fleet(channels, agents);
    }

    /// <summary>Every agent reports once a second (start times spread over the second); the metrics are scraped after the warm-up and at the end.</summary>
    public async Task<SteadyResult> SteadyAsync(double seconds, TimeSpan warmUp, Func<Task<Dictionary<int, Dictionary<string, double>>>> scrape, Func<Task> ready)
    {
        using var stop = new CancellationTokenSource();
        var runs = _agents.Select(a => Task.Run(() => a.SteadyAsync(stop.Token))).ToList();
        await ready();
        await Task.Delay(warmUp);
        var sentBefore = _agents.Sum(a => a.Sent);
        var ackedBefore = _agents.Sum(a => a.Acked);
        var before = await scrape();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var after = await scrape();
        var sent = _agents.Sum(a => a.Sent) - sentBefore;
        var acked = _agents.Sum(a => a.Acked) - ackedBefore;
        await stop.CancelAsync();
        await Task.WhenAll(runs);
        return new SteadyResult(sent, acked, before, after);
    }

    public async Task<LoadResult> FastAsync(double seconds, string[] metricsUrls, int[] serverPids)
    {
        using var http = new HttpClient();
        var appliedBefore = await Applied(http, metricsUrls);
        var serverCpuBefore = serverPids.Sum(CpuSeconds);
        var loadCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stop = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        using var giveUp = new CancellationTokenSource(until + TimeSpan.FromSeconds(30));
        var latencies = await Task.WhenAll(_agents.Select(a => Task.Run(() => a.FastAsync(stop, until, giveUp.Token))));
        long sentReports = latencies.Sum(l => l.Count);
        double elapsed;
        if (metricsUrls.Length == 0)
        {
            elapsed = stop.Elapsed.TotalSeconds;
        }
        else
        {
            // Reports reach the snapshot through the actor mailbox: wait until all are applied.
            var deadline = Stopwatch.StartNew();
            while (await Applied(http, metricsUrls) - appliedBefore < sentReports && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }

            elapsed = stop.Elapsed.TotalSeconds;
            sentReports = (long)(await Applied(http, metricsUrls) - appliedBefore);
        }

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[(int)Math.Min(all.Length - 1, p * all.Length)] * 1000.0 / Stopwatch.Frequency;
        var serverCpu = serverPids.Length == 0 ? double.NaN : serverPids.Sum(CpuSeconds) - serverCpuBefore;
        var loadCpu = (Process.GetCurrentProcess().TotalProcessorTime - loadCpuBefore).TotalSeconds;
        return new LoadResult(sentReports, sentReports / elapsed, Percentile(0.50), Percentile(0.99), serverCpu, loadCpu);
    }

    /// <summary>User + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static async Task<double> Applied(HttpClient http, string[] metricsUrls)
    {
        double sum = 0;
        foreach (var url in metricsUrls)
        {
            sum += Metrics.Parse(await http.GetStringAsync(url))
                .Where(kv => kv.Key.StartsWith("giantvm_snapshot_reports_total{", StringComparison.Ordinal)).Sum(kv => kv.Value);
        }

        return sum;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var a in _agents)
        {
            await a.CloseAsync();
        }

        _channels.ForEach(c => c.Dispose());
    }
}

/// <summary>
/// One synthetic agent on its own stream. A reader task takes the acks (the closed loop waits for
/// the ack of its last report) and, for a guest, the commands: each is answered with a done result
/// and the task's placement follows it. Cheap per report, so that the load process (on the same
/// cores as the servers) caps neither phase: one report message per agent, updated in place
/// (sample time, hot node, placement) and written once the last write completed (gRPC has
/// serialized it by then); the ack awaited through a reusable value-task source, no timer per wait.
/// </summary>
sealed class SimAgent(Layout layout, int id)
{
    private const int Tasks = 8;
    private static readonly string[] CpuLists = Enumerable.Range(0, 8).Select(k => $"{4 * k}-{4 * k + 3}").ToArray();
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly AckSource _acked = new();
    private readonly int _instance = id / layout.PerVm;
    private readonly int _index = id % layout.PerVm;
    private readonly string _vm = layout.Vm(id / layout.PerVm);
    private readonly int[] _placement = Enumerable.Range(0, Tasks).Select(t => t % Math.Min(8, layout.PerVm - 1)).ToArray();
    private AgentMessage? _report;
    private AsyncDuplexStreamingCall<AgentMessage, CoordinatorMessage>? _call;
    private Task? _reader;
    private ulong _sequence;
    private long _awaited;
    private long _sent;
    private long _acks;
    private long _commands;
    private long _results;

    public int Id { get; } = id;

    public long Sent => Interlocked.Read(ref _sent);

    public long Acked => Interlocked.Read(ref _acks);

    public long Commands => Interlocked.Read(ref _commands);

    public long Results => Interlocked.Read(ref _results);

    private bool IsGuest => _index == 0;

    private string Vm => _vm;

    private int Nodes => Math.Min(8, layout.PerVm - 1);

    public async Task ConnectAsync(GrpcChannel channel)
    {
        var call = new AgentService.AgentServiceClient(channel).Connect();
        await call.RequestStream.WriteAsync(new AgentMessage { Sequence = ++_sequence, Hello = Hello() });
        while (await call.ResponseStream.MoveNext(CancellationToken.None) && call.ResponseStream.Current.PayloadCase != CoordinatorMessage.PayloadOneofCase.HelloAck)
        {
        }

        if (call.ResponseStream.Current?.PayloadCase != CoordinatorMessage.PayloadOneofCase.HelloAck)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"agent {Id} ({Vm}): the stream ended before the hello was acknowledged"));
        }

        _call = call;
        _reader = Task.Run(() => ReadAsync(call));
    }

    public async Task SteadyAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Random.Shared.Next(1000), stop);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            do
            {
                await SendAsync(Report(), isReport: true);
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Closed loop until <paramref name="until"/>: report, await its ack. <paramref name="giveUp"/>
    /// (the phase's end + 30 s) ends a wait for an ack that never comes; so does the stream's end.
    /// </summary>
    public async Task<List<long>> FastAsync(Stopwatch clock, TimeSpan until, CancellationToken giveUp)
    {
        var mine = new List<long>(1 << 12);
        using var onGiveUp = giveUp.Register(static a => ((SimAgent)a!).AckArrived(null), this);
        while (clock.Elapsed < until && !giveUp.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            var ack = _acked.Arm();
            if (!await SendAsync(Report(), isReport: true, awaitAck: true) || !await ack)
            {
                break; // the stream is gone or silent: this agent stops counting
            }

            mine.Add(Stopwatch.GetTimestamp() - started);
        }

        return mine;
    }

    /// <summary>The ack of the awaited report (its sequence), or null: none will come (stream ended, phase given up).</summary>
    private void AckArrived(ulong? sequence)
    {
        var awaited = Interlocked.Read(ref _awaited);
        if (awaited > 0 && (sequence is null || (long)sequence == awaited) && Interlocked.CompareExchange(ref _awaited, 0, awaited) == awaited)
        {
            _acked.Complete(sequence is not null);
        }
    }

    public async Task CloseAsync()
    {
        if (_call is not { } call)
        {
            return;
        }

        await _write.WaitAsync();
        try
        {
            _call = null;
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
        }
        finally
        {
            _write.Release();
        }

        await Task.WhenAny(_reader!, Task.Delay(2000));
        call.Dispose();
    }

    /// <summary>Writes <paramref name="message"/> with the next sequence; false when the stream is gone.</summary>
    private async Task<bool> SendAsync(AgentMessage message, bool isReport, bool awaitAck = false)
    {
        await _write.WaitAsync();
        try
        {
            if (_call is null)
            {
                return false;
            }

            message.Sequence = ++_sequence;
            if (awaitAck)
            {
                Interlocked.Exchange(ref _awaited, (long)message.Sequence);
            }

            await _call.RequestStream.WriteAsync(message);
            if (isReport)
            {
                Interlocked.Increment(ref _sent);
            }

            return true;
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            if (awaitAck)
            {
                Interlocked.Exchange(ref _awaited, 0);
            }

            return false;
        }
        finally
        {
            _write.Release();
        }
    }

    private async Task ReadAsync(AsyncDuplexStreamingCall<AgentMessage, CoordinatorMessage> call)
    {
        try
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var m = call.ResponseStream.Current;
                if (m.PayloadCase == CoordinatorMessage.PayloadOneofCase.ReportAck)
                {
                    Interlocked.Increment(ref _acks);
                    AckArrived(m.ReportAck.Sequence);
                }
                else if (m.PayloadCase == CoordinatorMessage.PayloadOneofCase.Migrate && IsGuest)
                {
                    Interlocked.Increment(ref _commands);
                    var command = m.Migrate;
                    _ = Task.Run(async () =>
                    {
                        lock (_placement)
                        {
                            var t = command.Pid - 1000;
                            if (t >= 0 && t < Tasks)
                            {
                                _placement[t] = (int)command.ToNode;
                            }
                        }

                        Interlocked.Increment(ref _results);
                        await SendAsync(new AgentMessage { MigrationResult = Result(command) }, isReport: false);
                    });
                }
            }
        }
        catch (RpcException)
        {
        }
        finally
        {
            AckArrived(null);
        }
    }

    private Hello Hello()
    {
        if (!IsGuest)
        {
            return new Hello { Role = AgentRole.Host, NodeId = (uint)(_index - 1), Vm = Vm, ProtocolVersion = 1, Hostname = $"{Vm}-host{_index - 1}", AgentVersion = "bench" };
        }

        var topology = new Topology();
        for (var k = 0; k < Nodes; k++)
        {
            topology.Nodes.Add(new NodeTopology { NodeId = (uint)k, Cpus = Cpus(k), MemTotalBytes = 8L << 30 });
        }

        return new Hello { Role = AgentRole.Guest, Vm = Vm, ProtocolVersion = 1, Hostname = $"{Vm}-guest", AgentVersion = "bench", Topology = topology, Executor = "emulated" };
    }

    private static string Cpus(int node) => CpuLists[node];

    // A hot instance's hot node moves every 15 s (so its rounds keep deciding); others have none.
    private int HotNode => layout.Hot(_instance) ? (int)((DateTime.UtcNow.Ticks / (15 * TimeSpan.TicksPerSecond) + _instance) % Nodes) : -1;

    /// <summary>The agent's report, built once and then updated in place (see the class comment).</summary>
    private AgentMessage Report()
    {
        if (_report is null)
        {
            _report = IsGuest ? new AgentMessage { GuestReport = GuestReport() } : new AgentMessage { HostReport = HostReport() };
        }

        var ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
        var time = IsGuest ? _report.GuestReport.SampleTime : _report.HostReport.SampleTime;
        time.Seconds = ticks / TimeSpan.TicksPerSecond;
        time.Nanos = (int)(ticks % TimeSpan.TicksPerSecond * 100);
        if (IsGuest)
        {
            var report = _report.GuestReport;
            var hot = HotNode;
            for (var k = 0; k < Nodes; k++)
            {
                report.Nodes[k].StealRatio = k == hot ? 0.4 : 0.01;
            }

            lock (_placement)
            {
                for (var t = 0; t < Tasks; t++)
                {
                    report.Tasks[t].NodeId = (uint)_placement[t];
                    report.Tasks[t].CpusAllowed = Cpus(_placement[t]);
                }
            }
        }

        return _report;
    }

    private HostReport HostReport() => new()
    {
        Vm = Vm,
        NodeId = (uint)(_index - 1),
        SampleTime = new Timestamp(),
        IntervalSeconds = 1,
        CpuCount = 16,
        CapacityCores = 16,
        BusyCores = 7,
        LcBusyCores = 5,
        VcpuStealRatio = 0.02,
        MemAvailableBytes = 4L << 30,
        MemTotalBytes = 8L << 30,
    };

    private GuestReport GuestReport()
    {
        var report = new GuestReport { Vm = Vm, SampleTime = new Timestamp(), IntervalSeconds = 1 };
        for (var k = 0; k < Nodes; k++)
        {
            report.Nodes.Add(new GuestNodeSample { NodeId = (uint)k, Cpus = Cpus(k), StealRatio = 0.01, BusyRatio = 0.4, MemTotalBytes = 8L << 30, MemFreeBytes = 4L << 30 });
        }

        for (var t = 0; t < Tasks; t++)
        {
            report.Tasks.Add(new BeTask { Pid = 1000 + t, StartTimeTicks = 1, Comm = "stress", NodeId = 0, RssBytes = 1 << 20, CpuCores = 0.5, CpusAllowed = Cpus(0) });
        }

        return report;
    }

    private MigrationResult Result(MigrateCommand command) => new()
    {
        CommandId = command.CommandId,
        MigrationId = command.MigrationId,
        Vm = Vm,
        Pid = command.Pid,
        Status = MigrationStatus.Done,
        PagesMoved = 256,
        DurationMs = 5,
        PagesAfter = { new NodePages { NodeId = command.ToNode, Pages = 256 } },
        FinishedAt = Timestamp.FromDateTime(DateTime.UtcNow),
    };
}

/// <summary>
/// A reusable awaitable for one agent's next ack (no allocation or timer per wait): <see cref="Arm"/>
/// before the report is sent, <see cref="Complete"/> once (true: acked; false: none will come).
/// The awaiting loop continues on the completing thread (the reader's), saving a thread-pool hop.
/// </summary>
sealed class AckSource : System.Threading.Tasks.Sources.IValueTaskSource<bool>
{
    private System.Threading.Tasks.Sources.ManualResetValueTaskSourceCore<bool> _core;

    public ValueTask<bool> Arm()
    {
        _core.Reset();
        return new ValueTask<bool>(this, _core.Version);
    }

    public void Complete(bool acked) => _core.SetResult(acked);

    public bool GetResult(short token) => _core.GetResult(token);

    public System.Threading.Tasks.Sources.ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, System.Threading.Tasks.Sources.ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>
/// The echo baseline's process (<c>dotnet run -c Release --no-build ECHO.cs -- --port P</c>): started,
/// awaited until it says it listens, ended with its process tree (its standard input closes too).
/// </summary>
sealed class EchoProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EchoProcess(Process process, int port)
    {
        _process = process;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    /// <summary>The echo server's own process (a child of <c>dotnet run</c>), as it printed it.</summary>
    public int Pid { get; private set; }

    public static async Task<EchoProcess> StartAsync(string app, int port)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "run", "-c", "Release", "--no-build", app, "--", "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        var echo = new EchoProcess(process, port);
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Contains("listening on", StringComparison.Ordinal))
                {
                    var pid = line[(line.LastIndexOf("(pid ", StringComparison.Ordinal) + 5)..].TrimEnd(')');
                    echo.Pid = int.Parse(pid, CultureInfo.InvariantCulture);
                    _ = process.StandardOutput.ReadToEndAsync();
                    return echo;
                }
            }

            await process.WaitForExitAsync(timeout.Token);
            throw new InvalidOperationException($"the echo ({app}) exited with {process.ExitCode} before listening: {(await errors).Trim()} (built? dotnet build -c Release {app})");
        }
        catch (OperationCanceledException)
        {
            await echo.DisposeAsync();
            throw new TimeoutException($"the echo ({app}) did not listen within 60 s");
        }
        catch
        {
            await echo.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or IOException)
        {
        }

        _process.Dispose();
    }
}
