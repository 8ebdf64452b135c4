using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GiantVm.Coordinator.Tests.Agents;

public sealed class AgentMessageValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly AgentIdentity Guest = new(AgentRole.Guest, 0, "giantvm");
    private static readonly AgentIdentity Host1 = new(AgentRole.Host, 1, "giantvm");
    private static readonly IReadOnlySet<int> Topology = new HashSet<int> { 0, 1 };

    internal static AgentMessage Hello(AgentRole role = AgentRole.Guest, uint node = 0, uint version = 1) => new()
    {
        Hello = new Hello { Role = role, NodeId = node, ProtocolVersion = version, Vm = "giantvm" },
    };

    internal static GuestReport GuestReport(DateTimeOffset time, double steal0 = 0.1, double steal1 = 0.0) => new()
    {
        Vm = "giantvm",
        SampleTime = Timestamp.FromDateTimeOffset(time),
        IntervalSeconds = 1,
        Nodes =
        {
            new GuestNodeSample { NodeId = 0, Cpus = "0-1", StealRatio = steal0, BusyRatio = 0.5, MemTotalBytes = 8L << 30, MemFreeBytes = 4L << 30 },
            new GuestNodeSample { NodeId = 1, Cpus = "2-3", StealRatio = steal1, BusyRatio = 0.1, MemTotalBytes = 8L << 30, MemFreeBytes = 6L << 30 },
        },
        Tasks = { new BeTask { Pid = 4242, StartTimeTicks = 99, Comm = "stress", NodeId = 0, RssBytes = 1 << 20, CpuCores = 1 } },
    };

    [Fact]
    public void ValidateHello_WhenFirstMessageIsAReport_FailsPrecondition()
    {
        var rejection = AgentMessageValidator.ValidateHello(new AgentMessage { GuestReport = GuestReport(Now) }, 64, null);

        Assert.Equal(StatusCode.FailedPrecondition, rejection?.Code);
        Assert.Equal("before_hello", rejection?.Reason);
    }

    [Fact]
    public void ValidateHello_WithUnsupportedVersion_NamesTheAcceptedVersions()
    {
        var rejection = AgentMessageValidator.ValidateHello(Hello(version: 9), 64, null);

        Assert.Equal(StatusCode.FailedPrecondition, rejection?.Code);
        Assert.Contains("accepts 1", rejection?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateHello_HostOfANodeOutsideTheTopology_IsRejected()
    {
        var rejection = AgentMessageValidator.ValidateHello(Hello(AgentRole.Host, node: 7), 64, Topology);

        Assert.Equal("unknown_node", rejection?.Reason);
    }

    [Fact]
    public void ValidateHello_OfAValidGuest_Passes() =>
        Assert.Null(AgentMessageValidator.ValidateHello(Hello(), 64, null));

    [Fact]
    public void ValidateGuestReport_OfAValidReport_Passes() =>
        Assert.Null(AgentMessageValidator.ValidateGuestReport(GuestReport(Now), "giantvm", Topology, 64, Now, TimeSpan.FromMinutes(5)));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.PositiveInfinity)]
    public void ValidateGuestReport_WithABadStealRatio_IsInvalidArgument(double steal)
    {
        var rejection = AgentMessageValidator.ValidateGuestReport(GuestReport(Now, steal0: steal), "giantvm", Topology, 64, Now, TimeSpan.FromMinutes(5));

        Assert.Equal(StatusCode.InvalidArgument, rejection?.Code);
        Assert.Contains("steal_ratio", rejection?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateGuestReport_FarInTheFuture_IsRejected()
    {
        var rejection = AgentMessageValidator.ValidateGuestReport(GuestReport(Now.AddHours(1)), "giantvm", Topology, 64, Now, TimeSpan.FromMinutes(5));

        Assert.Equal("future_timestamp", rejection?.Reason);
    }

    [Fact]
    public void ValidateGuestReport_WithATaskOnAnUnreportedNode_IsRejected()
    {
        var report = GuestReport(Now);
        report.Tasks[0].NodeId = 5;

        Assert.Equal("unknown_node", AgentMessageValidator.ValidateGuestReport(report, "giantvm", null, 64, Now, TimeSpan.FromMinutes(5))?.Reason);
    }

    [Fact]
    public void ValidateGuestReport_WithANodeOutsideTheTopology_IsRejected()
    {
        var report = GuestReport(Now);
        report.Nodes[1].NodeId = 3;
        report.Tasks.Clear();

        Assert.Equal("unknown_node", AgentMessageValidator.ValidateGuestReport(report, "giantvm", Topology, 64, Now, TimeSpan.FromMinutes(5))?.Reason);
    }

    /// <summary>
    /// A guest report of <paramref name="nodes"/> nodes and <paramref name="tasks"/> tasks (pids
    /// 1000.., task t on node t % nodes), spoiled by <paramref name="spoil"/>.
    /// </summary>
    private static GuestReport LargeReport(int nodes, int tasks, string spoil)
    {
        var report = new GuestReport { Vm = "giantvm", SampleTime = Timestamp.FromDateTimeOffset(Now), IntervalSeconds = 1 };
        for (var k = 0; k < nodes; k++)
        {
            report.Nodes.Add(new GuestNodeSample { NodeId = (uint)k, Cpus = $"{k}", StealRatio = 0.1, BusyRatio = 0.1, MemTotalBytes = 8, MemFreeBytes = 4 });
        }

        for (var t = 0; t < tasks; t++)
        {
            report.Tasks.Add(new BeTask { Pid = 1000 + t, Comm = "stress", NodeId = (uint)(t % nodes), CpuCores = 0.5 });
        }

        var lastNode = report.Nodes[nodes - 1];
        var lastTask = report.Tasks[tasks - 1];
        switch (spoil)
        {
            case "none": break;
            case "busy": lastNode.BusyRatio = 2; break;
            case "mem": lastNode.MemFreeBytes = 9; break;
            case "node twice": lastNode.NodeId = 0; break;
            case "comm": lastTask.Comm = "a-comm-too-long!"; break;
            case "cpus_allowed": lastTask.CpusAllowed = new string('1', AgentLimits.MaxCpuListBytes + 1); break;
            case "pid twice": lastTask.Pid = 1000; break;
            case "pid 1": lastTask.Pid = 1; break;
            case "unknown node": lastTask.NodeId = (uint)nodes; break;
            case "cpu_cores": lastTask.CpuCores = -1; break;
            default: throw new ArgumentOutOfRangeException(nameof(spoil));
        }

        return report;
    }

    // Small reports are checked for duplicates by a scan, large ones (over 32 nodes or tasks) by a
    // set: both must refuse the same way, naming the field exactly.
    [Theory]
    [InlineData(4, 8, "none", null)]
    [InlineData(40, 80, "none", null)]
    [InlineData(4, 8, "busy", "guest_report.nodes[node 3].busy_ratio must be a ratio in 0..1 (got 2)")]
    [InlineData(40, 80, "busy", "guest_report.nodes[node 39].busy_ratio must be a ratio in 0..1 (got 2)")]
    [InlineData(4, 8, "mem", "guest_report.nodes[node 3]: mem_free_bytes 9 exceeds mem_total_bytes 8")]
    [InlineData(4, 8, "node twice", "guest_report.nodes: node 0 listed twice")]
    [InlineData(40, 80, "node twice", "guest_report.nodes: node 0 listed twice")]
    [InlineData(4, 8, "comm", "guest_report.tasks[pid 1007].comm is 16 characters long; at most 15 are accepted")]
    [InlineData(40, 80, "comm", "guest_report.tasks[pid 1079].comm is 16 characters long; at most 15 are accepted")]
    [InlineData(4, 8, "cpus_allowed", "guest_report.tasks[pid 1007].cpus_allowed is 16385 bytes long; at most 16384 are accepted")]
    [InlineData(4, 8, "pid twice", "guest_report.tasks: pid 1000 listed twice")]
    [InlineData(40, 80, "pid twice", "guest_report.tasks: pid 1000 listed twice")]
    [InlineData(4, 8, "pid 1", "guest_report.tasks[pid 1]: pid must be > 1")]
    [InlineData(4, 8, "unknown node", "guest_report.tasks[pid 1007]: node 4 is not among the report's nodes")]
    [InlineData(40, 80, "unknown node", "guest_report.tasks[pid 1079]: node 40 is not among the report's nodes")]
    [InlineData(4, 8, "cpu_cores", "guest_report.tasks[pid 1007].cpu_cores must be finite and >= 0 (got -1)")]
    [InlineData(40, 80, "cpu_cores", "guest_report.tasks[pid 1079].cpu_cores must be finite and >= 0 (got -1)")]
    public void ValidateGuestReport_SmallOrLarge_NamesTheFieldExactly(int nodes, int tasks, string spoil, string? expected)
    {
        var rejection = AgentMessageValidator.ValidateGuestReport(LargeReport(nodes, tasks, spoil), "giantvm", null, 64, Now, TimeSpan.FromMinutes(5));

        Assert.Equal(expected, rejection?.Message);
    }

    [Fact]
    public void ValidateHello_TopologyCpusTooLong_NamesTheNode()
    {
        var hello = Hello();
        hello.Hello.Topology = new Topology { Nodes = { new NodeTopology { NodeId = 3, Cpus = new string('1', AgentLimits.MaxCpuListBytes + 1) } } };

        Assert.Equal("hello.topology[node 3].cpus is 16385 bytes long; at most 16384 are accepted", AgentMessageValidator.ValidateHello(hello, 64, null)?.Message);
    }

    [Fact]
    public void ValidateFollowUp_HostReportOnAGuestStream_IsRejected()
    {
        var message = new AgentMessage { HostReport = new HostReport { NodeId = 0, SampleTime = Timestamp.FromDateTimeOffset(Now) } };

        Assert.Equal("wrong_role", AgentMessageValidator.ValidateFollowUp(message, Guest, Topology, 64, Now, TimeSpan.FromMinutes(5))?.Reason);
    }

    [Theory]
    [InlineData(-1.0, 0.1)]
    [InlineData(2.0, double.NaN)]
    [InlineData(2.0, 1.01)]
    public void ValidateHostReport_WithBadValues_IsRejected(double lcCores, double vcpuSteal)
    {
        var report = new HostReport { NodeId = 1, Vm = "giantvm", SampleTime = Timestamp.FromDateTimeOffset(Now), CapacityCores = 8, LcBusyCores = lcCores, VcpuStealRatio = vcpuSteal };

        Assert.Equal("invalid_value", AgentMessageValidator.ValidateHostReport(report, Host1, Now, TimeSpan.FromMinutes(5))?.Reason);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ValidateHostReport_WithBadLcDemand_IsRejectedNamingTheField(double demand)
    {
        var report = new HostReport { NodeId = 1, Vm = "giantvm", SampleTime = Timestamp.FromDateTimeOffset(Now), CapacityCores = 8, LcBusyCores = 2, LcDemandCores = demand };

        var rejection = AgentMessageValidator.ValidateHostReport(report, Host1, Now, TimeSpan.FromMinutes(5));

        Assert.Equal("invalid_value", rejection?.Reason);
        Assert.Contains("host_report.lc_demand_cores", rejection?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // an older agent that does not send the field
    public void ValidateHostReport_WithOrWithoutLcDemand_IsAccepted_AndCarriedWhenSent(bool sent)
    {
        var report = new HostReport { NodeId = 1, Vm = "giantvm", SampleTime = Timestamp.FromDateTimeOffset(Now), CapacityCores = 8, LcBusyCores = 2 };
        if (sent)
        {
            report.LcDemandCores = 3.5;
        }

        Assert.Null(AgentMessageValidator.ValidateHostReport(report, Host1, Now, TimeSpan.FromMinutes(5)));
        Assert.Equal(sent ? 3.5 : null, AgentMessageConverter.ToData(report).LcDemandCores);
    }

    [Fact]
    public void ValidateHostReport_ForAnotherNodeThanHello_IsRejected()
    {
        var report = new HostReport { NodeId = 0, SampleTime = Timestamp.FromDateTimeOffset(Now) };

        Assert.Equal("unknown_node", AgentMessageValidator.ValidateHostReport(report, Host1, Now, TimeSpan.FromMinutes(5))?.Reason);
    }

    [Fact]
    public void ValidateResult_WithPendingStatus_IsRejected()
    {
        var result = new MigrationResult { CommandId = "c", MigrationId = "m", Status = MigrationStatus.Pending };

        Assert.NotNull(AgentMessageValidator.ValidateResult(result, "giantvm", Now, TimeSpan.FromMinutes(5)));
    }
}
