using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using GiantVm.Benchmarks.Baselines;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Metrics;
using GiantVm.Coordinator.Rebalancing;
using Google.Protobuf.WellKnownTypes;

namespace GiantVm.Benchmarks;

/// <summary>
/// The coordinator's per-report work on the ingest path, for the reports of the coordinator-vms
/// benchmark's agents (a guest report of 4 nodes and 8 BE tasks, a host report): checking and
/// converting the agent's message on the member holding its stream, and the hop to the member
/// running its instance's rebalancer (serialized there and back): in the member messages' JSON
/// (before) and in <see cref="ReportWireFormat"/> (now). The guest report check is measured against
/// its eager predecessor (<see cref="EagerGuestReportCheck"/>), each pair as a ratio in one run
/// (categories). CPU time per report with <see cref="ThreadCpuClock"/>, robust on a busy machine.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Jobs))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class IngestBenchmarks
{
    private sealed class Jobs : ManualConfig
    {
        public Jobs() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithClock(ThreadCpuClock.Instance).WithId("thread-cpu"));
    }

    private static readonly DateTimeOffset Now = new(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);
    private static readonly AgentIdentity Guest = new(AgentRole.Guest, 0, "vm-000");
    private static readonly AgentIdentity Host = new(AgentRole.Host, 1, "vm-000");
    private static readonly IReadOnlySet<int> Nodes = new HashSet<int> { 0, 1, 2, 3 };

    private AgentMessage _guestMessage = new();
    private AgentMessage _hostMessage = new();
    private GuestReportReceived? _guest;
    private Prometheus.Gauge.Child[] _steal = [];
    private HostReportReceived? _host;

    [GlobalSetup]
    public void Setup()
    {
        var report = new GuestReport { Vm = "vm-000", SampleTime = Timestamp.FromDateTimeOffset(Now), IntervalSeconds = 1 };
        for (var k = 0; k < 4; k++)
        {
            report.Nodes.Add(new GuestNodeSample { NodeId = (uint)k, Cpus = $"{4 * k}-{(4 * k) + 3}", StealRatio = k == 0 ? 0.4 : 0.01, BusyRatio = 0.4, MemTotalBytes = 8L << 30, MemFreeBytes = 4L << 30 });
        }

        for (var t = 0; t < 8; t++)
        {
            report.Tasks.Add(new BeTask { Pid = 1000 + t, StartTimeTicks = 1, Comm = "stress", NodeId = (uint)(t % 4), RssBytes = 1 << 20, CpuCores = 0.5, CpusAllowed = $"{4 * (t % 4)}-{(4 * (t % 4)) + 3}" });
        }

        _guestMessage = new AgentMessage { Sequence = 7, GuestReport = report };
        _hostMessage = new AgentMessage
        {
            Sequence = 7,
            HostReport = new HostReport
            {
                Vm = "vm-000", NodeId = 1, SampleTime = Timestamp.FromDateTimeOffset(Now), IntervalSeconds = 1, CpuCount = 16, CapacityCores = 16,
                BusyCores = 7, LcBusyCores = 5, VcpuStealRatio = 0.02, MemAvailableBytes = 4L << 30, MemTotalBytes = 8L << 30,
            },
        };
        _guest = new GuestReportReceived(AgentMessageConverter.ToData(report), Now);
        _host = new HostReportReceived(AgentMessageConverter.ToData(_hostMessage.HostReport), Now);
        _steal = _guest.Report.Nodes.Select(n => CoordinatorMetrics.NodeSteal.WithLabels("vm-000", n.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
    }

    // The rebalancer sets giantvm_node_steal_ratio for every node of every guest report it applies:
    // looking the series up each time (before) or once per node (RebalancerActor now).
    [Benchmark(Baseline = true), BenchmarkCategory("steal gauges")]
    public void NodeStealLookedUpPerReport()
    {
        foreach (var node in _guest!.Report.Nodes)
        {
            CoordinatorMetrics.NodeSteal.WithLabels("vm-000", node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(node.StealRatio);
        }
    }

    [Benchmark, BenchmarkCategory("steal gauges")]
    public void NodeStealCached()
    {
        var nodes = _guest!.Report.Nodes;
        for (var i = 0; i < nodes.Count; i++)
        {
            _steal[i].Set(nodes[i].StealRatio);
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("guest check")]
    public object? CheckAndConvertGuestReportEager() =>
        EagerGuestReportCheck.Validate(_guestMessage.GuestReport, Guest.Vm, Nodes, 1023, Now, TimeSpan.FromSeconds(30)) ?? (object)EagerGuestReportCheck.ToData(_guestMessage.GuestReport);

    [Benchmark, BenchmarkCategory("guest check")]
    public object? CheckAndConvertGuestReport() =>
        AgentMessageValidator.ValidateFollowUp(_guestMessage, Guest, Nodes, 1023, Now, TimeSpan.FromSeconds(30)) ?? (object)AgentMessageConverter.ToData(_guestMessage.GuestReport);

    [Benchmark, BenchmarkCategory("host check")]
    public object? CheckAndConvertHostReport() =>
        AgentMessageValidator.ValidateFollowUp(_hostMessage, Host, Nodes, 1023, Now, TimeSpan.FromSeconds(30)) ?? (object)AgentMessageConverter.ToData(_hostMessage.HostReport);

    [Benchmark(Baseline = true), BenchmarkCategory("guest hop")]
    public object GuestReportHopJson() =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(_guest!, MemberMessageJson.Default.GuestReportReceived), MemberMessageJson.Default.GuestReportReceived)!;

    [Benchmark, BenchmarkCategory("guest hop")]
    public object GuestReportHopWire() =>
        MemberMessageFormat.FromBytes(MemberMessageFormat.ToBytes(_guest!), nameof(GuestReportReceived));

    [Benchmark(Baseline = true), BenchmarkCategory("host hop")]
    public object HostReportHopJson() =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(_host!, MemberMessageJson.Default.HostReportReceived), MemberMessageJson.Default.HostReportReceived)!;

    [Benchmark, BenchmarkCategory("host hop")]
    public object HostReportHopWire() =>
        MemberMessageFormat.FromBytes(MemberMessageFormat.ToBytes(_host!), nameof(HostReportReceived));
}
