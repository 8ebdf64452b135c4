using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Scheduling.Model;
using Grpc.Core;

namespace GiantVm.Benchmarks.Baselines;

/// <summary>
/// The guest report check and conversion as they were before 2026-12-03 evening (commit 160b514):
/// every field name of a possible refusal formatted up front, sets for the duplicate checks, LINQ
/// for the conversion. Kept only as the baseline of <see cref="IngestBenchmarks"/>, so that the
/// ratio of the current code to it is measured in one run; not used by the coordinator.
/// </summary>
internal static class EagerGuestReportCheck
{
    public static Rejection? Validate(GuestReport report, string vm, IReadOnlySet<int>? knownNodes, int maxNodeId, DateTimeOffset now, TimeSpan maxClockSkew,
        int maxTasksPerReport = AgentLimits.DefaultMaxTasksPerReport)
    {
        var rejection = AgentLimits.Count(report.Tasks.Count, maxTasksPerReport, "guest_report.tasks", "tasks_per_report")
            ?? AgentLimits.Count(report.Nodes.Count, maxNodeId + 1, "guest_report.nodes", "nodes_per_message")
            ?? AgentLimits.Length(report.Vm, AgentLimits.MaxIdBytes, "guest_report.vm")
            ?? Check.Vm(report.Vm, vm, "guest_report.vm") ?? Check.Time(report.SampleTime, "guest_report.sample_time", now, maxClockSkew)
            ?? Check.NonNegative(report.IntervalSeconds, "guest_report.interval_seconds");
        if (rejection is not null)
        {
            return rejection;
        }

        var nodes = new HashSet<int>();
        foreach (var node in report.Nodes)
        {
            var where = $"guest_report.nodes[node {node.NodeId}]";
            rejection = Check.NodeId(node.NodeId, where + ".node_id", maxNodeId, knownNodes)
                ?? AgentLimits.Length(node.Cpus, AgentLimits.MaxCpuListBytes, where + ".cpus")
                ?? Check.Ratio(node.StealRatio, where + ".steal_ratio")
                ?? Check.Ratio(node.BusyRatio, where + ".busy_ratio");
            if (rejection is not null)
            {
                return rejection;
            }

            if (node.MemTotalBytes > 0 && node.MemFreeBytes > node.MemTotalBytes)
            {
                return Rejection.Invalid("invalid_value", $"{where}: mem_free_bytes {node.MemFreeBytes} exceeds mem_total_bytes {node.MemTotalBytes}");
            }

            if (!nodes.Add((int)node.NodeId))
            {
                return Rejection.Invalid("invalid_value", $"guest_report.nodes: node {node.NodeId} listed twice");
            }
        }

        var pids = new HashSet<int>();
        foreach (var task in report.Tasks)
        {
            var where = $"guest_report.tasks[pid {task.Pid}]";
            if (task.Pid <= 1)
            {
                return Rejection.Invalid("invalid_value", $"{where}: pid must be > 1");
            }

            if (!pids.Add(task.Pid))
            {
                return Rejection.Limited("duplicate_pid", StatusCode.InvalidArgument, $"guest_report.tasks: pid {task.Pid} listed twice");
            }

            rejection = AgentLimits.Chars(task.Comm, AgentLimits.MaxCommChars, where + ".comm")
                ?? AgentLimits.Length(task.CpusAllowed, AgentLimits.MaxCpuListBytes, where + ".cpus_allowed")
                ?? AgentLimits.Count(task.PagesPerNode.Count, AgentLimits.MaxNodeEntries, where + ".pages_per_node", "nodes_per_message");
            if (rejection is not null)
            {
                return rejection;
            }

            if (!nodes.Contains((int)task.NodeId))
            {
                return Rejection.Invalid("unknown_node", $"{where}: node {task.NodeId} is not among the report's nodes");
            }

            rejection = Check.NonNegative(task.CpuCores, where + ".cpu_cores");
            if (rejection is not null)
            {
                return rejection;
            }
        }

        return null;
    }

    public static GuestReportData ToData(GuestReport report) => new(
        report.SampleTime.ToDateTimeOffset(),
        report.Nodes.Select(n => new GuestNodeData(
            (int)n.NodeId,
            n.Cpus,
            n.StealRatio,
            n.BusyRatio,
            n.MemTotalBytes > 0 ? (long)n.MemTotalBytes : null,
            n.MemTotalBytes > 0 ? (long)n.MemFreeBytes : null)).ToList(),
        report.Tasks.Select(t => new TaskSnapshot(t.Pid, (int)t.NodeId)
        {
            StartTime = t.StartTimeTicks > 0 ? t.StartTimeTicks : null,
            Comm = string.IsNullOrEmpty(t.Comm) ? null : t.Comm,
            RssBytes = t.RssBytes > 0 ? (long)t.RssBytes : null,
            CpuCores = t.CpuCores,
        }).ToList());

    private static string VmOf(string vm) => AgentMessageValidator.VmOf(vm);

    private static class Check
    {
        public static Rejection? Ratio(double value, string field) =>
            double.IsFinite(value) && value is >= 0 and <= 1
                ? null
                : Rejection.Invalid("invalid_value", $"{field} must be a ratio in 0..1 (got {value})");

        public static Rejection? NonNegative(double value, string field) =>
            double.IsFinite(value) && value >= 0
                ? null
                : Rejection.Invalid("invalid_value", $"{field} must be finite and >= 0 (got {value})");

        public static Rejection? Vm(string value, string vm, string field) =>
            VmOf(value) == vm ? null : Rejection.Invalid("unknown_vm", $"{field} '{value}' differs from the stream's vm '{vm}'");

        public static Rejection? Time(Google.Protobuf.WellKnownTypes.Timestamp? value, string field, DateTimeOffset now, TimeSpan maxClockSkew)
        {
            if (value is null)
            {
                return Rejection.Invalid("invalid_value", $"{field} is missing");
            }

            DateTimeOffset time;
            try
            {
                time = value.ToDateTimeOffset();
            }
            catch (InvalidOperationException)
            {
                return Rejection.Invalid("invalid_value", $"{field} is not a valid timestamp");
            }

            return time > now + maxClockSkew
                ? Rejection.Invalid("future_timestamp", $"{field} {time:O} is more than {maxClockSkew.TotalSeconds:0}s ahead of the coordinator's clock {now:O}")
                : null;
        }

        public static Rejection? NodeId(uint nodeId, string field, int maxNodeId, IReadOnlySet<int>? knownNodes)
        {
            if (nodeId > maxNodeId)
            {
                return Rejection.Invalid("unknown_node", $"{field} {nodeId} is above the limit {maxNodeId}");
            }

            return knownNodes is { Count: > 0 } && !knownNodes.Contains((int)nodeId)
                ? Rejection.Invalid("unknown_node", $"{field} {nodeId} is not in the guest's topology ({string.Join(",", knownNodes.Order())})")
                : null;
        }
    }
}
