// Load generator for scripts/bench.d/coordinator.sh (a .NET 10 file-based app).
// N simulated agents (1 guest + N-1 hosts) stream reports over loopback gRPC, each waiting for the
// ack of its report before sending the next (closed loop). The same generator runs against
//   1. a one-member giantvm-coordinator in this process (real Kestrel h2c, real Akka system), and
//   2. a bare gRPC echo service (AgentService.Connect answering every message with an ack),
// and prints reports/s (for the coordinator: applied to the rebalancer's snapshot, read from its
// giantvm_snapshot_reports_total metric), ack latency p50/p99, and the coordinator/echo ratio.
// Usage: dotnet run coordinator-load.cs -- [agents=1000] [seconds=10]
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
using Microsoft.AspNetCore.Server.Kestrel.Core;

var agents = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var data = Directory.CreateTempSubdirectory("giantvm-bench-");

// Echo baseline first, then the coordinator, in the same process and run.
var echoPort = FreePort();
var echoBuilder = WebApplication.CreateSlimBuilder();
echoBuilder.Logging.ClearProviders();
echoBuilder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, echoPort, o => o.Protocols = HttpProtocols.Http2));
echoBuilder.Services.AddGrpc();
var echo = echoBuilder.Build();
echo.MapGrpcService<EchoAgentService>();
await echo.StartAsync();
var echoResult = await Load.RunAsync($"http://127.0.0.1:{echoPort}", agents, seconds, metricsUrl: null);
await echo.StopAsync();

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
    ["Coordinator:MaxNodeId"] = agents.ToString(CultureInfo.InvariantCulture),
    // Each simulated agent reports as fast as its acks come back: lift the per-stream report rate
    // (default 10/s) and the stream cap (default 5,000) so the benchmark measures ingest, not the limits.
    ["Coordinator:MaxReportRate"] = "1000000",
    ["Coordinator:MaxStreams"] = Math.Max(5000, agents * 2).ToString(CultureInfo.InvariantCulture),
}));
await coordinator.StartAsync();
var coordinatorResult = await Load.RunAsync($"http://127.0.0.1:{grpcPort}", agents, seconds, $"http://127.0.0.1:{metricsPort}/metrics");
await coordinator.StopAsync();
data.Delete(recursive: true);

Console.WriteLine($"agents={agents} duration={seconds}s cores={Environment.ProcessorCount}");
Console.WriteLine($"{"target",-12} {"reports/s",12} {"ack p50 ms",11} {"ack p99 ms",11} {"reports",10}");
foreach (var (name, r) in new[] { ("echo", echoResult), ("coordinator", coordinatorResult) })
{
    Console.WriteLine($"{name,-12} {r.ReportsPerSecond,12:0} {r.P50Ms,11:0.00} {r.P99Ms,11:0.00} {r.Reports,10}");
}

Console.WriteLine($"ratio coordinator/echo reports/s = {coordinatorResult.ReportsPerSecond / echoResult.ReportsPerSecond:0.00}");
Console.WriteLine($"target 20000 reports/s: {(coordinatorResult.ReportsPerSecond >= 20000 ? "met" : "NOT met")}");
return 0;

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

sealed record LoadResult(long Reports, double ReportsPerSecond, double P50Ms, double P99Ms);

static class Load
{
    public static async Task<LoadResult> RunAsync(string url, int agents, double seconds, string? metricsUrl)
    {
        // Kestrel allows 100 streams per HTTP/2 connection: one channel per 100 agents.
        var channels = Enumerable.Range(0, (agents + 99) / 100)
            .Select(_ => GrpcChannel.ForAddress(url, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            }))
            .ToList();
        using var http = new HttpClient();
        var appliedBefore = metricsUrl is null ? 0 : await Applied(http, metricsUrl);

        var streams = new List<AsyncDuplexStreamingCall<AgentMessage, CoordinatorMessage>>();
        for (var i = 0; i < agents; i++)
        {
            var client = new AgentService.AgentServiceClient(channels[i / 100]);
            var call = client.Connect();
            var hello = i == 0
                ? new Hello { Role = AgentRole.Guest, Vm = "giantvm", ProtocolVersion = 1, Hostname = "guest" }
                : new Hello { Role = AgentRole.Host, NodeId = (uint)i, Vm = "giantvm", ProtocolVersion = 1, Hostname = $"host{i}" };
            await call.RequestStream.WriteAsync(new AgentMessage { Sequence = 1, Hello = hello });
            while (await call.ResponseStream.MoveNext(CancellationToken.None) && call.ResponseStream.Current.PayloadCase != CoordinatorMessage.PayloadOneofCase.HelloAck)
            {
            }

            streams.Add(call);
        }

        var latencies = new List<long>[agents];
        var stop = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var tasks = streams.Select((call, i) => Task.Run(async () =>
        {
            var mine = latencies[i] = new List<long>(1 << 14);
            ulong sequence = 1;
            while (stop.Elapsed < until)
            {
                var message = i == 0 ? GuestReport(++sequence) : HostReport(++sequence, (uint)i);
                var sent = Stopwatch.GetTimestamp();
                await call.RequestStream.WriteAsync(message);
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    if (call.ResponseStream.Current.PayloadCase == CoordinatorMessage.PayloadOneofCase.ReportAck)
                    {
                        break;
                    }
                }

                mine.Add(Stopwatch.GetTimestamp() - sent);
            }
        })).ToList();
        await Task.WhenAll(tasks);
        var sentReports = latencies.Sum(l => l.Count);

        double elapsed;
        if (metricsUrl is null)
        {
            elapsed = stop.Elapsed.TotalSeconds;
        }
        else
        {
            // Reports reach the snapshot through the actor mailbox: wait until all are applied.
            var deadline = Stopwatch.StartNew();
            while (await Applied(http, metricsUrl) - appliedBefore < sentReports && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }

            elapsed = stop.Elapsed.TotalSeconds;
            sentReports = (int)(await Applied(http, metricsUrl) - appliedBefore);
        }

        foreach (var call in streams)
        {
            await call.RequestStream.CompleteAsync();
            call.Dispose();
        }

        channels.ForEach(c => c.Dispose());
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[(int)Math.Min(all.Length - 1, p * all.Length)] * 1000.0 / Stopwatch.Frequency;
        return new LoadResult(sentReports, sentReports / elapsed, Percentile(0.50), Percentile(0.99));
    }

    private static async Task<double> Applied(HttpClient http, string metricsUrl)
    {
        var text = await http.GetStringAsync(metricsUrl);
        return text.Split('\n')
            .Where(l => l.StartsWith("giantvm_snapshot_reports_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static AgentMessage HostReport(ulong sequence, uint node) => new()
    {
        Sequence = sequence,
        HostReport = new HostReport
        {
            Vm = "giantvm",
            NodeId = node,
            SampleTime = Timestamp.FromDateTime(DateTime.UtcNow),
            IntervalSeconds = 1,
            CpuCount = 16,
            CapacityCores = 16,
            BusyCores = 7,
            LcBusyCores = 5,
            VcpuStealRatio = 0.02,
        },
    };

    private static AgentMessage GuestReport(ulong sequence) => new()
    {
        Sequence = sequence,
        GuestReport = new GuestReport
        {
            Vm = "giantvm",
            SampleTime = Timestamp.FromDateTime(DateTime.UtcNow),
            IntervalSeconds = 1,
            Nodes = { new GuestNodeSample { NodeId = 1, Cpus = "0-3", StealRatio = 0.05, BusyRatio = 0.4, MemTotalBytes = 8L << 30, MemFreeBytes = 4L << 30 } },
            Tasks = { new BeTask { Pid = 4242, StartTimeTicks = 1, Comm = "stress", NodeId = 1, RssBytes = 1 << 20, CpuCores = 1 } },
        },
    };
}

/// <summary>The baseline: acknowledges every message, nothing else.</summary>
sealed class EchoAgentService : AgentService.AgentServiceBase
{
    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<CoordinatorMessage> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var message = requestStream.Current;
            await responseStream.WriteAsync(message.PayloadCase == AgentMessage.PayloadOneofCase.Hello
                ? new CoordinatorMessage { HelloAck = new HelloAck { SessionId = "echo", ProtocolVersion = 1 } }
                : new CoordinatorMessage { ReportAck = new ReportAck { Sequence = message.Sequence } });
        }
    }
}
