// Soak for scripts/bench.sh soak (a .NET 10 file-based app; not run by CI).
// Three giantvm-coordinator members (real processes, a 3-member Akka cluster on loopback) and N
// synthetic agents (1 guest + N-1 hosts, spread over the members) reporting once a second for M
// minutes, with churn:
//   - every minute 1% of the agents close their stream and reconnect (to the next member);
//   - a `giantvmctl migrations --follow` client whose standard output is never read;
//   - the guest identity sends a flood of bogus migration results (unknown command ids) beside
//     its reports, and answers the real commands (so decisions and results flow all along).
// Every minute it prints each member's RSS (/proc/PID/status VmRSS) and live managed heap: the
// bytes the member's newest full (gen2) garbage collection found reachable
// (giantvm_gc_full_collection_live_bytes) and how old that collection is. Right after reading RSS
// it makes each member run one full blocking collection (an EventPipe session with the runtime's
// GCHeapCollect keyword, as dotnet-gcdump does, without the heap walk), so that every minute has
// one; --no-induced-gc leaves the GC alone (then a minute may show an old collection, and the
// check says so). At the end: reports acknowledged by the members vs reports
// applied to the rebalancer's snapshot (the difference is lost: every report carries a new sample,
// so none may be dropped as superseded), decision rounds and the rounds late by more than one
// interval (gaps between consecutive rounds as seen in `status`), and the flat-memory check (the
// last five minutes within 10 % of each other).
// Usage: dotnet run soak-load.cs -- --repo DIR --store postgres://... [--agents 1000] [--minutes 10] [--bogus-rate 50] [--no-induced-gc]
#:sdk Microsoft.NET.Sdk
#:project ../../../protos/GiantVm.Contracts/GiantVm.Contracts.csproj
#:package Microsoft.Diagnostics.NETCore.Client
#:property TreatWarningsAsErrors=false
#:property InvariantGlobalization=true

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GiantVm.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Diagnostics.NETCore.Client;

var repo = Arg("--repo", null) ?? throw new ArgumentException("--repo DIR is required");
var agentCount = int.Parse(Arg("--agents", "1000")!, CultureInfo.InvariantCulture);
var minutes = double.Parse(Arg("--minutes", "10")!, CultureInfo.InvariantCulture);
var bogusRate = double.Parse(Arg("--bogus-rate", "50")!, CultureInfo.InvariantCulture);
var induceGc = !args.Contains("--no-induced-gc");
var store = Arg("--store", null) ?? throw new ArgumentException("--store postgres://... is required (the three members share it; soak.sh starts one)");
if (agentCount < 2 || agentCount > 1025 || minutes <= 0 || bogusRate < 0)
{
    Console.Error.WriteLine("soak: --agents must be 2-1025 (one guest and up to 1024 hosts), --minutes > 0, --bogus-rate >= 0");
    return 2;
}

const double Interval = 1.0; // the policy's round interval and the agents' report interval, seconds
var coordinatorDll = Path.Combine(repo, "coordinator/GiantVm.Coordinator/bin/Release/net10.0/giantvm-coordinator.dll");
var ctlDll = Path.Combine(repo, "coordinator/GiantVm.Ctl/bin/Release/net10.0/giantvmctl.dll");
foreach (var dll in new[] { coordinatorDll, ctlDll })
{
    if (!File.Exists(dll))
    {
        Console.Error.WriteLine($"soak: {dll} is not built (dotnet build -c Release)");
        return 1;
    }
}

var work = Directory.CreateTempSubdirectory("giantvm-soak-");
var policy = Path.Combine(work.FullName, "policy.yaml");
File.WriteAllText(policy, """
    name: soak
    mode: balanced
    interval: 1s
    command_timeout: 10s
    signal: { ema_alpha: 1.0, steal_high: 0.15, steal_low: 0.05, hot_after: 1, cool_after: 1, stale_after: 10s }
    migrate: { min_improvement: 0.01, max_per_round: 2, max_per_node_per_round: 2, max_per_minute: 120, cooldown: 20s, return_block: 20s, min_cpu_cores: 0.05 }
    """);

var members = Enumerable.Range(0, 3).Select(i => new Member(i, FreePort(), FreePort(), FreePort())).ToArray();
var seeds = string.Join(",", members.Select(m => $"akka.tcp://giantvm@127.0.0.1:{m.AkkaPort}"));
var processes = new List<Process>();
var exitCode = 1;
try
{
    foreach (var m in members)
    {
        var dir = Path.Combine(work.FullName, "member-" + m.Index);
        Directory.CreateDirectory(dir);
        m.Process = Start(processes, coordinatorDll, Path.Combine(dir, "out.log"), "--policy", policy, "--urls", m.Url,
            "--metrics-url", $"http://127.0.0.1:{m.MetricsPort}", "--data-dir", dir, "--member-name", "member-" + m.Index,
            "--akka-port", m.AkkaPort.ToString(CultureInfo.InvariantCulture), "--seed-nodes", seeds, "--cluster-size", "3",
            "--store", store, "--log-level", "Warning");
        m.Channel = GrpcChannel.ForAddress(m.Url, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
    }

    var admin = new AdminService.AdminServiceClient(members[0].Channel);
    await Until(async () =>
    {
        var s = await admin.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
        return s.Members.Count(x => x.Status == "Up") == 3 && s.Store.Reachable;
    }, TimeSpan.FromSeconds(120), "three members Up and the store reachable");

    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    var before = await ScrapeAll(http, members);
    var stats = new Stats();
    using var stop = new CancellationTokenSource();
    var hosts = agentCount - 1;
    var agents = new List<Agent>();
    var guest = new GuestAgent(members, hosts, bogusRate, stats);
    agents.Add(guest);
    for (var k = 0; k < hosts; k++)
    {
        agents.Add(new HostAgent(members, k, stats));
    }

    // Connect in waves (as agents restart after a deploy), then run.
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (a, _) => await a.ConnectAsync(a.Id % 3));
    // The instance's rebalancer (a sharded entity) starts at its first report: wait until it records.
    await Until(async () => (await admin.GetStatusAsync(new StatusRequest { Vm = "giantvm" }, deadline: DateTime.UtcNow.AddSeconds(5))).Recording,
        TimeSpan.FromSeconds(120), "the instance's rebalancer recording");
    Console.WriteLine($"soak: {agentCount} agents connected in {clock.Elapsed.TotalSeconds:0.0} s; running {minutes} min");
    var runs = agents.Select(a => Task.Run(() => a.RunAsync(stop.Token))).ToList();

    // The --follow client that stops reading: its stdout is a pipe nobody reads.
    var follow = StartCtlFollow(ctlDll, members[1].Url, Path.Combine(work.FullName, "follow.err"));
    processes.Add(follow);

    var rounds = new RoundWatch(admin, Interval);
    var roundTask = Task.Run(() => rounds.RunAsync(stop.Token));
    var samples = new List<Dictionary<int, (double Rss, double Live, double Age)>>();
    var induced = new List<(DateTime At, int Member, double CallMs, double PauseMs)>();
    var start = Stopwatch.StartNew();
    var total = TimeSpan.FromMinutes(minutes);
    var minute = 0;
    Console.WriteLine($"{"min",4} {"member",7} {"rss MiB",9} {"live MiB",9} {"gc age s",9} {"pause ms",9} {"streams",8} {"acked",10} {"rounds",7} {"late",5}");
    await SampleAsync();
    while (start.Elapsed < total)
    {
        var next = TimeSpan.FromMinutes(minute + 1);
        if (next > total)
        {
            next = total;
        }

        // Scrape every 10 s, as Prometheus would: a member stamps a full collection with the time
        // of the first scrape that sees it, so a natural one is dated to within 10 s.
        while (start.Elapsed < next)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, Math.Max(0.05, (next - start.Elapsed).TotalSeconds))));
            await ScrapeAll(http, members);
        }

        minute++;
        await SampleAsync();
        // Churn: 1% of the agents (at least one) reconnect, each to the next member.
        var churn = Math.Max(1, agentCount / 100);
        foreach (var a in agents.OrderBy(_ => Random.Shared.Next()).Take(churn))
        {
            a.RequestReconnect();
        }
    }

    async Task SampleAsync()
    {
        var sample = new Dictionary<int, (double, double, double)>();
        foreach (var m in members)
        {
            var rss = ReadRssBytes(m.Process!.Id);
            var metrics = await Scrape(http, m);
            if (induceGc)
            {
                var at = DateTime.UtcNow;
                var call = Stopwatch.StartNew();
                await InduceFullCollectionAsync(m.Process.Id);
                var callMs = call.Elapsed.TotalMilliseconds;
                // the member stamps the collection at the first scrape after it
                var until = Stopwatch.StartNew();
                do
                {
                    metrics = await Scrape(http, m);
                }
                while (metrics.GetValueOrDefault("giantvm_gc_full_collection_seen_timestamp_seconds") < UnixSeconds(at) && until.Elapsed < TimeSpan.FromSeconds(10) && await Pause(200));
                induced.Add((at, m.Index, callMs, 1000 * metrics.GetValueOrDefault("giantvm_gc_full_collection_pause_seconds")));
            }

            var live = metrics.GetValueOrDefault("giantvm_gc_full_collection_live_bytes");
            var seen = metrics.GetValueOrDefault("giantvm_gc_full_collection_seen_timestamp_seconds");
            var age = seen == 0 ? double.PositiveInfinity : Math.Max(0, UnixSeconds(DateTime.UtcNow) - seen);
            var pause = 1000 * metrics.GetValueOrDefault("giantvm_gc_full_collection_pause_seconds");
            var streams = metrics.Where(kv => kv.Key.StartsWith("giantvm_agent_sessions{", StringComparison.Ordinal)).Sum(kv => kv.Value);
            sample[m.Index] = (rss, live, age);
            Console.WriteLine($"{minute,4} {"m" + m.Index,7} {rss / 1048576,9:0.0} {live / 1048576,9:0.0} {age,9:0} {pause,9:0.0} {streams,8:0} {stats.Acked,10} {rounds.Rounds,7} {rounds.Late,5}");
        }

        if (minute > 0)
        {
            samples.Add(sample); // minute 0 (just connected) is warm-up: printed, not judged
        }
    }

    await stop.CancelAsync();
    await Task.WhenAll(runs);
    await roundTask;
    var followEnded = follow.HasExited;
    var followErr = File.Exists(Path.Combine(work.FullName, "follow.err")) ? File.ReadAllText(Path.Combine(work.FullName, "follow.err")).Trim() : "";

    // Every acknowledged report must reach the rebalancer's snapshot: wait for the mailbox to drain.
    Dictionary<int, Dictionary<string, double>> after = [];
    double applied = 0;
    double received = 0;
    var drain = Stopwatch.StartNew();
    do
    {
        after = await ScrapeAll(http, members);
        applied = Delta(before, after, "giantvm_snapshot_reports_total{kind=\"host\"}") + Delta(before, after, "giantvm_snapshot_reports_total{kind=\"guest\"}");
        received = Delta(before, after, "giantvm_agent_reports_total{kind=\"host\"}") + Delta(before, after, "giantvm_agent_reports_total{kind=\"guest\"}");
        if (applied >= stats.Acked)
        {
            break;
        }

        await Task.Delay(500);
    }
    while (drain.Elapsed < TimeSpan.FromSeconds(30));

    Console.WriteLine();
    Console.WriteLine($"agents={agentCount} minutes={minutes} members=3 bogus-results/s={bogusRate} cores={Environment.ProcessorCount}");
    Console.WriteLine($"reports sent {stats.Sent}, acknowledged {stats.Acked}, unacknowledged when their stream was closed by churn {stats.SentUnacked}");
    Console.WriteLine($"reports received by the members {received:0}, applied to the rebalancer's snapshot {applied:0}: lost (acknowledged, never applied) {Math.Max(0, stats.Acked - applied):0}");
    Console.WriteLine($"reconnects {stats.Reconnects}, streams ended by a member {stats.StreamsEnded}, refused connects {stats.ConnectFailures}");
    Console.WriteLine($"commands received by the guest {stats.Commands}, results sent {stats.Results}, bogus results sent {stats.Bogus}; results received by the members {Delta(before, after, "giantvm_agent_reports_total{kind=\"result\"}"):0}, result records journaled {after.Values.SelectMany(v => v).Where(kv => kv.Key.StartsWith("giantvm_migration_results_total{", StringComparison.Ordinal)).Sum(kv => kv.Value) - before.Values.SelectMany(v => v).Where(kv => kv.Key.StartsWith("giantvm_migration_results_total{", StringComparison.Ordinal)).Sum(kv => kv.Value):0}");
    Console.WriteLine($"results refused at the edge (giantvm_auth_denied_total result-binding) {SumAll(after, "giantvm_auth_denied_total{reason=\"result-binding\"}") - SumAll(before, "giantvm_auth_denied_total{reason=\"result-binding\"}"):0}; limit refusals: {string.Join(", ", LimitRefusals(before, after))}");
    Console.WriteLine($"decision rounds seen {rounds.Rounds}, late by more than one interval {rounds.Late} ({(rounds.Rounds == 0 ? 0 : 100.0 * rounds.Late / rounds.Rounds):0.00} %), longest gap {rounds.LongestGap.TotalSeconds:0.00} s, rounds_total delta {Delta(before, after, "giantvm_decision_rounds_total{outcome=\"decided\"}") + Delta(before, after, "giantvm_decision_rounds_total{outcome=\"idle\"}"):0}");
    if (induced.Count > 0)
    {
        // A late round whose gap contains an induced collection may be the soak's own doing.
        var lateWithGc = rounds.LateGaps.Count(g => induced.Any(i => i.At >= g.From && i.At <= g.To));
        Console.WriteLine($"induced full collections {induced.Count}: pause mean {induced.Average(i => i.PauseMs):0.0} ms, max {induced.Max(i => i.PauseMs):0.0} ms (giantvm_gc_full_collection_pause_seconds); EventPipe call mean {induced.Average(i => i.CallMs):0} ms, max {induced.Max(i => i.CallMs):0} ms; late rounds whose gap contains one {lateWithGc} of {rounds.Late}");
    }

    var writes = Delta(before, after, "giantvm_persist_duration_seconds_count");
    Console.WriteLine($"rebalancer store writes {writes:0} (results are recorded in batches), mean {(writes == 0 ? 0 : 1000 * Delta(before, after, "giantvm_persist_duration_seconds_sum") / writes):0.0} ms each");
    try
    {
        var final = await admin.GetStatusAsync(new StatusRequest { Vm = "giantvm" }, deadline: DateTime.UtcNow.AddSeconds(15));
        Console.WriteLine($"the instance's rebalancer ran on {final.RebalancerMember}");
    }
    catch (RpcException e)
    {
        Console.WriteLine($"the instance's rebalancer: status did not answer ({e.Status.Detail})");
    }

    var followCut = Delta(before, after, "giantvm_limit_refused_total{limit=\"follow_backlog\"}");
    Console.WriteLine($"follow client that stops reading: cut off by the coordinator {followCut:0} time(s) (giantvm_limit_refused_total follow_backlog); giantvmctl {(followEnded ? $"exited {follow.ExitCode}: {followErr}" : "still running (blocked writing its full standard output)")}");
    foreach (var m in members)
    {
        var tail = samples.Skip(Math.Max(0, samples.Count - 5)).Select(s => s[m.Index]).ToList();
        var rssSpread = tail.Count == 0 ? 0 : (tail.Max(t => t.Rss) - tail.Min(t => t.Rss)) / tail.Min(t => t.Rss);
        var liveSpread = tail.Count == 0 ? 0 : (tail.Max(t => t.Live) - tail.Min(t => t.Live)) / tail.Min(t => t.Live);
        // Each minute's live heap must come from a collection of that minute, else the spread
        // compares one collection with itself and proves nothing.
        var oldest = tail.Count == 0 ? 0 : tail.Max(t => t.Age);
        var judged = oldest < 60;
        Console.WriteLine($"member-{m.Index}: last {tail.Count} minutes RSS spread {100 * rssSpread:0.0} % ({(rssSpread <= 0.10 ? "flat" : "NOT flat")}), live heap spread {100 * liveSpread:0.0} % ({(!judged ? $"not judged: a full collection up to {oldest:0} s old" : liveSpread <= 0.10 ? "flat" : "NOT flat")}); exited: {m.Process!.HasExited}");
    }

    exitCode = 0;
}
catch (Exception e) when (e is TimeoutException or RpcException or HttpRequestException)
{
    Console.Error.WriteLine("soak: " + e.Message);
}
finally
{
    foreach (var p in processes)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    if (Environment.GetEnvironmentVariable("GIANTVM_SOAK_KEEP") is null)
    {
        work.Delete(recursive: true);
    }
    else
    {
        Console.WriteLine("soak: kept " + work.FullName);
    }
}

return exitCode;

string? Arg(string name, string? fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static Process Start(List<Process> processes, string dll, string log, params string[] arguments)
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
    processes.Add(p);
    return p;
}

static Process StartCtlFollow(string ctlDll, string url, string errFile)
{
    var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in new[] { ctlDll, "migrations", "--follow", "-o", "jsonl", "-c", url })
    {
        info.ArgumentList.Add(a);
    }

    var p = Process.Start(info)!;
    // stdout is never read: once the pipe (64 KiB) is full, giantvmctl blocks and stops reading its stream.
    var err = new StreamWriter(errFile) { AutoFlush = true };
    p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (err) { err.WriteLine(e.Data); } } };
    p.BeginErrorReadLine();
    return p;
}

static double UnixSeconds(DateTime utc) => (utc - DateTime.UnixEpoch).TotalSeconds;

static async Task<bool> Pause(int ms)
{
    await Task.Delay(ms);
    return true;
}

// One full blocking collection in the member: enabling the runtime provider with its
// GCHeapCollect keyword (0x800000) makes the runtime collect at once (what dotnet-gcdump does
// before it walks the heap; no heap-dump keyword here, so no walk).
static async Task InduceFullCollectionAsync(int pid)
{
    var client = new DiagnosticsClient(pid);
    using var session = await client.StartEventPipeSessionAsync(
        [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, 0x800000)],
        requestRundown: false, circularBufferMB: 4, CancellationToken.None);
    var drain = session.EventStream.CopyToAsync(Stream.Null);
    await session.StopAsync(CancellationToken.None);
    await drain;
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

static async Task<Dictionary<string, double>> Scrape(HttpClient http, Member m)
{
    var text = await http.GetStringAsync($"http://127.0.0.1:{m.MetricsPort}/metrics");
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

static async Task<Dictionary<int, Dictionary<string, double>>> ScrapeAll(HttpClient http, Member[] members)
{
    var all = new Dictionary<int, Dictionary<string, double>>();
    foreach (var m in members)
    {
        all[m.Index] = await Scrape(http, m);
    }

    return all;
}

static double SumAll(Dictionary<int, Dictionary<string, double>> scrape, string key) => scrape.Values.Sum(v => v.GetValueOrDefault(key));

static double Delta(Dictionary<int, Dictionary<string, double>> before, Dictionary<int, Dictionary<string, double>> after, string key) =>
    SumAll(after, key) - SumAll(before, key);

static IEnumerable<string> LimitRefusals(Dictionary<int, Dictionary<string, double>> before, Dictionary<int, Dictionary<string, double>> after) =>
    after.Values.SelectMany(v => v.Keys).Where(k => k.StartsWith("giantvm_limit_refused_total{", StringComparison.Ordinal)).Distinct()
        .Select(k => (k, d: Delta(before, after, k))).Where(x => x.d > 0).Select(x => $"{x.k[28..]} {x.d:0}").DefaultIfEmpty("none");

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
        catch (RpcException)
        {
        }

        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
        }

        await Task.Delay(250);
    }
}

sealed class Member(int index, int grpcPort, int metricsPort, int akkaPort)
{
    public int Index { get; } = index;
    public int MetricsPort { get; } = metricsPort;
    public int AkkaPort { get; } = akkaPort;
    public string Url { get; } = $"http://127.0.0.1:{grpcPort}";
    public Process? Process { get; set; }
    public GrpcChannel? Channel { get; set; }
}

sealed class Stats
{
    public long Sent;
    public long Acked;
    public long SentUnacked;
    public long Reconnects;
    public long StreamsEnded;
    public long ConnectFailures;
    public long Commands;
    public long Results;
    public long Bogus;
}

/// <summary>Distinct lastRound times seen in status, polled every 200 ms: rounds and the gaps between them.</summary>
sealed class RoundWatch(AdminService.AdminServiceClient admin, double interval)
{
    public int Rounds;
    public int Late;
    public TimeSpan LongestGap;
    public List<(DateTime From, DateTime To)> LateGaps { get; } = [];

    public async Task RunAsync(CancellationToken stop)
    {
        DateTime? last = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var s = await admin.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: stop);
                if (s.LastRound is { } t && t.ToDateTime() is var round && round != last)
                {
                    if (last is { } previous)
                    {
                        var gap = round - previous;
                        Rounds++;
                        if (gap > LongestGap)
                        {
                            LongestGap = gap;
                        }

                        if (gap.TotalSeconds > 2 * interval)
                        {
                            Late++;
                            LateGaps.Add((previous, round));
                        }
                    }

                    last = round;
                }
            }
            catch (RpcException)
            {
            }

            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}

abstract class Agent(Member[] members, int id, Stats stats)
{
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly ConcurrentDictionary<ulong, bool> _unacked = new();
    private AsyncDuplexStreamingCall<AgentMessage, CoordinatorMessage>? _call;
    private Task? _reader;
    private ulong _sequence;
    private int _member;
    private volatile bool _reconnect;

    protected Stats Stats { get; } = stats;

    public int Id { get; } = id;

    protected abstract Hello Hello();

    protected abstract AgentMessage Report();

    protected virtual void OnCommand(MigrateCommand command)
    {
    }

    public void RequestReconnect() => _reconnect = true;

    public async Task ConnectAsync(int member)
    {
        _member = member;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var client = new AgentService.AgentServiceClient(members[_member].Channel!);
                var call = client.Connect();
                _sequence = 0;
                await call.RequestStream.WriteAsync(new AgentMessage { Sequence = ++_sequence, Hello = Hello() });
                while (await call.ResponseStream.MoveNext(CancellationToken.None) && call.ResponseStream.Current.PayloadCase != CoordinatorMessage.PayloadOneofCase.HelloAck)
                {
                }

                _call = call;
                _reader = Task.Run(() => ReadAsync(call));
                return;
            }
            catch (RpcException) when (attempt < 20)
            {
                Interlocked.Increment(ref Stats.ConnectFailures);
                _member = (_member + 1) % members.Length;
                await Task.Delay(500);
            }
        }
    }

    private async Task ReadAsync(AsyncDuplexStreamingCall<AgentMessage, CoordinatorMessage> call)
    {
        try
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var m = call.ResponseStream.Current;
                if (m.PayloadCase == CoordinatorMessage.PayloadOneofCase.ReportAck && _unacked.TryRemove(m.ReportAck.Sequence, out var isReport) && isReport)
                {
                    Interlocked.Increment(ref Stats.Acked);
                }
                else if (m.PayloadCase == CoordinatorMessage.PayloadOneofCase.Migrate)
                {
                    Interlocked.Increment(ref Stats.Commands);
                    OnCommand(m.Migrate);
                }
            }
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            Interlocked.Increment(ref Stats.StreamsEnded);
            _reconnect = true;
        }
        catch (RpcException)
        {
        }
    }

    /// <summary>Sends one message on the current stream (reports: counted, awaited for an ack).</summary>
    protected async Task SendAsync(AgentMessage message, bool isReport)
    {
        await _write.WaitAsync();
        try
        {
            if (_call is null)
            {
                return;
            }

            message.Sequence = ++_sequence;
            _unacked[message.Sequence] = isReport;
            await _call.RequestStream.WriteAsync(message);
            if (isReport)
            {
                Interlocked.Increment(ref Stats.Sent);
            }
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            _reconnect = true;
        }
        finally
        {
            _write.Release();
        }
    }

    public virtual async Task RunAsync(CancellationToken stop)
    {
        // Spread the agents' report times over the interval.
        await Task.Delay(Random.Shared.Next(1000), CancellationToken.None);
        var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (_reconnect)
                {
                    await ReconnectAsync();
                }

                await SendAsync(Report(), isReport: true);
            }
        }
        catch (OperationCanceledException)
        {
        }

        // Let the last acks arrive, then close.
        for (var i = 0; i < 50 && _unacked.Values.Any(r => r); i++)
        {
            await Task.Delay(100, CancellationToken.None);
        }

        await CloseAsync();
    }

    private async Task CloseAsync()
    {
        await _write.WaitAsync();
        try
        {
            if (_call is { } call)
            {
                _call = null;
                try
                {
                    await call.RequestStream.CompleteAsync();
                }
                catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
                {
                }

                await Task.WhenAny(_reader!, Task.Delay(2000));
                call.Dispose();
            }

            Interlocked.Add(ref Stats.SentUnacked, _unacked.Values.Count(r => r));
            _unacked.Clear();
        }
        finally
        {
            _write.Release();
        }
    }

    private async Task ReconnectAsync()
    {
        _reconnect = false;
        await CloseAsync();
        Interlocked.Increment(ref Stats.Reconnects);
        await ConnectAsync((_member + 1) % members.Length);
    }
}

sealed class HostAgent(Member[] members, int node, Stats stats) : Agent(members, node + 1, stats)
{
    protected override Hello Hello() => new() { Role = AgentRole.Host, NodeId = (uint)node, Vm = "giantvm", ProtocolVersion = 1, Hostname = $"host{node}", AgentVersion = "soak" };

    protected override AgentMessage Report() => new()
    {
        HostReport = new HostReport
        {
            Vm = "giantvm",
            NodeId = (uint)node,
            SampleTime = Timestamp.FromDateTime(DateTime.UtcNow),
            IntervalSeconds = 1,
            CpuCount = 4,
            CapacityCores = 4,
            BusyCores = 1 + Random.Shared.NextDouble(),
            LcBusyCores = 0.5 + Random.Shared.NextDouble(),
            VcpuStealRatio = 0.02,
            MemAvailableBytes = 2L << 30,
            MemTotalBytes = 4L << 30,
            VcpuThreads = 4,
            VcpuThreadsRunning = 2,
        },
    };
}

/// <summary>
/// The guest: a topology of every host's node, 64 BE tasks, one hot node that changes every minute
/// (so decisions keep coming), answers each command with a done result after 50 ms, and floods
/// bogus results (command ids never sent) at the given rate.
/// </summary>
sealed class GuestAgent : Agent
{
    private const int Tasks = 64;
    private readonly int _nodes;
    private readonly double _bogusRate;
    private readonly int[] _placement = new int[Tasks];
    private long _bogus;

    public GuestAgent(Member[] members, int nodes, double bogusRate, Stats stats) : base(members, 0, stats)
    {
        _nodes = nodes;
        _bogusRate = bogusRate;
        for (var t = 0; t < Tasks; t++)
        {
            _placement[t] = t % Math.Min(8, nodes);
        }
    }

    private static string Cpus(int node) => $"{4 * node}-{4 * node + 3}";

    private int HotNode => (int)(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute % Math.Min(8, _nodes));

    protected override Hello Hello()
    {
        var topology = new Topology();
        for (var k = 0; k < _nodes; k++)
        {
            topology.Nodes.Add(new NodeTopology { NodeId = (uint)k, Cpus = Cpus(k), MemTotalBytes = 4L << 30 });
        }

        return new Hello { Role = AgentRole.Guest, Vm = "giantvm", ProtocolVersion = 1, Hostname = "guest", AgentVersion = "soak", Topology = topology, Executor = "emulated" };
    }

    protected override AgentMessage Report()
    {
        var report = new GuestReport { Vm = "giantvm", SampleTime = Timestamp.FromDateTime(DateTime.UtcNow), IntervalSeconds = 1, NumaBalancing = 0 };
        var hot = HotNode;
        for (var k = 0; k < _nodes; k++)
        {
            report.Nodes.Add(new GuestNodeSample { NodeId = (uint)k, Cpus = Cpus(k), StealRatio = k == hot ? 0.4 : 0.01, BusyRatio = 0.5, MemTotalBytes = 4L << 30, MemFreeBytes = 2L << 30 });
        }

        lock (_placement)
        {
            for (var t = 0; t < Tasks; t++)
            {
                report.Tasks.Add(new BeTask { Pid = 1000 + t, StartTimeTicks = 1, Comm = "be-soak", NodeId = (uint)_placement[t], RssBytes = 64L << 20, CpuCores = 0.5, CpusAllowed = Cpus(_placement[t]) });
            }
        }

        return new AgentMessage { GuestReport = report };
    }

    protected override void OnCommand(MigrateCommand command) => _ = Task.Run(async () =>
    {
        await Task.Delay(50);
        lock (_placement)
        {
            var t = command.Pid - 1000;
            if (t >= 0 && t < Tasks)
            {
                _placement[t] = (int)command.ToNode;
            }
        }

        Interlocked.Increment(ref Stats.Results);
        await SendAsync(new AgentMessage { MigrationResult = Result(command.CommandId, command.MigrationId, command.Pid, command.ToNode) }, isReport: false);
    });

    private static MigrationResult Result(string commandId, string migrationId, int pid, uint to) => new()
    {
        CommandId = commandId,
        MigrationId = migrationId,
        Vm = "giantvm",
        Pid = pid,
        Status = MigrationStatus.Done,
        PagesMoved = 16384,
        DurationMs = 40,
        PagesAfter = { new NodePages { NodeId = to, Pages = 16384 } },
        FinishedAt = Timestamp.FromDateTime(DateTime.UtcNow),
    };

    public override async Task RunAsync(CancellationToken stop)
    {
        var flood = _bogusRate > 0 ? Task.Run(() => FloodAsync(stop)) : Task.CompletedTask;
        await base.RunAsync(stop);
        await flood;
    }

    private async Task FloodAsync(CancellationToken stop)
    {
        var period = TimeSpan.FromSeconds(1 / _bogusRate);
        var next = Stopwatch.StartNew();
        long sent = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref _bogus);
                await SendAsync(new AgentMessage { MigrationResult = Result($"bogus-{n}", $"bogus-{n}", 1, 0) }, isReport: false);
                Interlocked.Increment(ref Stats.Bogus);
                sent++;
                var due = period * sent - next.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, stop);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
