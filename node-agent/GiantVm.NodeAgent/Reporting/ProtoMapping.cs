using GiantVm.Contracts;
using GiantVm.Contracts.V1;
using GiantVm.Linux;
using GiantVm.NodeAgent.Execution;
using Google.Protobuf.WellKnownTypes;
using Sensing = GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Reporting;

/// <summary>
/// Converts between the agent's records and the giantvm.v1 messages. Reports that must not be
/// sent (a node without a valid CPU delta) come back as null with the reason: a bad sample is
/// skipped, never reported as zero.
/// </summary>
internal static class ProtoMapping
{
    public static Hello Hello(AgentRole role, int nodeId, string vm, string executor, NumaTopology? topology)
    {
        var hello = new Hello
        {
            Role = role,
            NodeId = (uint)Math.Max(0, nodeId),
            Vm = vm,
            ProtocolVersion = ProtocolVersion.Current,
            AgentVersion = typeof(ProtoMapping).Assembly.GetName().Version?.ToString() ?? "0",
            Hostname = Environment.MachineName,
            Executor = executor,
        };
        if (topology is not null)
        {
            hello.Topology = new Topology();
            hello.Topology.Nodes.Add(topology.Nodes.Select(n => new NodeTopology
            {
                NodeId = (uint)n.Id,
                Cpus = n.CpuList,
                MemTotalBytes = n.Memory.MemTotalBytes ?? 0,
            }));
        }

        return hello;
    }

    /// <summary>A guest report; null when a node with CPUs has no valid CPU delta.</summary>
    public static (GuestReport? Report, string? Skipped) Guest(Sensing.GuestReport r, string vm, DateTimeOffset sampleTime)
    {
        var report = new GuestReport
        {
            Vm = vm,
            SampleTime = Timestamp.FromDateTimeOffset(sampleTime),
            IntervalSeconds = r.IntervalSeconds,
            NumaBalancing = r.NumaBalancing,
        };
        var nodes = new HashSet<int>();
        foreach (var n in r.Nodes)
        {
            var hasCpus = n.Cpus.Length > 0;
            if (hasCpus && (n.StealRatio is null || n.BusyRatio is null))
            {
                return (null, $"node {n.Id} has no valid CPU delta (discarded CPUs: {ListFormat.Format(r.DiscardedCpus)})");
            }

            nodes.Add(n.Id);
            report.Nodes.Add(new GuestNodeSample
            {
                NodeId = (uint)n.Id,
                Cpus = n.Cpus,
                StealRatio = Ratio(n.StealRatio ?? 0), // a node without CPUs has no CPU time at all
                BusyRatio = Ratio(n.BusyRatio ?? 0),
                MemTotalBytes = n.MemTotalBytes,
                MemFreeBytes = Math.Min(n.MemFreeBytes, n.MemTotalBytes == 0 ? n.MemFreeBytes : n.MemTotalBytes),
            });
        }

        foreach (var t in r.Tasks)
        {
            if (t.Node is not { } node || !nodes.Contains(node) || t.Pid <= 1)
            {
                continue; // no node known for it yet: leave it out rather than guess
            }

            var task = new BeTask
            {
                Pid = t.Pid,
                StartTimeTicks = t.StartTime,
                Comm = t.Comm,
                NodeId = (uint)node,
                RssBytes = t.RssBytes,
                CpuCores = double.IsFinite(t.CpuCores) ? Math.Max(0, t.CpuCores) : 0,
                CpusAllowed = t.CpusAllowed,
            };
            if (t.PagesPerNode is { } pages)
            {
                task.PagesPerNode.Add(pages.OrderBy(kv => kv.Key).Select(kv => new NodePages { NodeId = (uint)kv.Key, Pages = kv.Value }));
            }

            report.Tasks.Add(task);
        }

        return (report, null);
    }

    /// <summary>A host report; null when some CPU's delta was discarded (busy cores would be understated).</summary>
    public static (HostReport? Report, string? Skipped) Host(Sensing.HostReport r, string vm, DateTimeOffset sampleTime)
    {
        if (r.DiscardedCpus.Count > 0)
        {
            return (null, $"CPU counters of {ListFormat.Format(r.DiscardedCpus)} went backwards or jumped");
        }

        var report = new HostReport
        {
            Vm = vm,
            NodeId = (uint)r.NodeId,
            SampleTime = Timestamp.FromDateTimeOffset(sampleTime),
            IntervalSeconds = r.IntervalSeconds,
            CpuCount = (uint)r.CpuCount,
            CapacityCores = r.CpuCount,
            BusyCores = Math.Max(0, r.BusyCores),
            MemAvailableBytes = r.MemAvailableBytes,
            MemTotalBytes = r.MemTotalBytes,
            VcpuThreads = (uint)r.VcpuThreads,
            VcpuThreadsRunning = (uint)r.VcpuThreadsRunning,
        };
        if (r.LcBusyCores is { } lc)
        {
            report.LcBusyCores = Math.Max(0, lc);
        }

        if (r.LcDemandCores is { } demand)
        {
            report.LcDemandCores = Math.Max(0, demand);
        }

        if (r.VcpuStealRatio is { } steal)
        {
            report.VcpuStealRatio = Ratio(steal);
        }

        return (report, null);
    }

    public static MigrationRequest Request(MigrateCommand c) => new(
        c.CommandId,
        c.MigrationId,
        c.Vm,
        c.Pid,
        c.StartTimeTicks,
        c.Comm,
        c.FromNodes.Select(n => (int)n).ToList(),
        (int)c.ToNode,
        c.DryRun,
        c.Deadline?.ToDateTimeOffset());

    public static MigrationResult Result(MigrationReply reply, string vm)
    {
        var (r, o) = (reply.Request, reply.Outcome);
        var result = new MigrationResult
        {
            CommandId = r.CommandId,
            MigrationId = r.MigrationId,
            Vm = string.IsNullOrEmpty(r.Vm) ? vm : r.Vm,
            Pid = r.Pid,
            Status = Status(o.Status),
            PagesMoved = o.PagesMoved,
            PagesLeft = o.PagesLeft,
            AffinityBefore = o.AffinityBefore,
            AffinityAfter = o.AffinityAfter,
            DurationMs = o.Duration.TotalMilliseconds,
            Error = o.Error,
            FinishedAt = Timestamp.FromDateTimeOffset(reply.FinishedAt),
        };
        result.PagesBefore.Add(Pages(o.PagesBefore));
        result.PagesAfter.Add(Pages(o.PagesAfter));
        return result;
    }

    public static MigrationStatus Status(ExecutionStatus s) => s switch
    {
        ExecutionStatus.Done => MigrationStatus.Done,
        ExecutionStatus.Partial => MigrationStatus.Partial,
        ExecutionStatus.Refused => MigrationStatus.Refused,
        ExecutionStatus.Vanished => MigrationStatus.Vanished,
        ExecutionStatus.Failed => MigrationStatus.Failed,
        ExecutionStatus.Timeout => MigrationStatus.Timeout,
        ExecutionStatus.DryRun => MigrationStatus.DryRun,
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, null),
    };

    private static IEnumerable<NodePages> Pages(IReadOnlyDictionary<int, ulong> pages) =>
        pages.OrderBy(kv => kv.Key).Select(kv => new NodePages { NodeId = (uint)kv.Key, Pages = kv.Value });

    private static double Ratio(double r) => double.IsFinite(r) ? Math.Clamp(r, 0, 1) : 0;
}
