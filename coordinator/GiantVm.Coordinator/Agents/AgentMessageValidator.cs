using GiantVm.Contracts;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Policies;
using Grpc.Core;

namespace GiantVm.Coordinator.Agents;

/// <summary>
/// Checks agent messages before anything of them reaches the rebalancer: protocol version,
/// roles, node ids, ratios (finite, 0..1), non-negative quantities, timestamps not far in the
/// future; string lengths, list lengths and duplicate pids (<see cref="AgentLimits"/>). Pure: every
/// input it needs is passed in.
/// </summary>
public static class AgentMessageValidator
{
    /// <summary>What a stream's first message must look like.</summary>
    public static Rejection? ValidateHello(AgentMessage message, int maxNodeId, IReadOnlySet<int>? knownNodes)
    {
        if (message.PayloadCase != AgentMessage.PayloadOneofCase.Hello)
        {
            return new Rejection(StatusCode.FailedPrecondition, "before_hello",
                $"the first message on a stream must be hello (got {Describe(message)})");
        }

        var hello = message.Hello;
        var tooLong = AgentLimits.Length(hello.Vm, AgentLimits.MaxIdBytes, "hello.vm")
            ?? AgentLimits.Length(hello.AgentVersion, AgentLimits.MaxVersionBytes, "hello.agent_version")
            ?? AgentLimits.Length(hello.Hostname, AgentLimits.MaxHostnameBytes, "hello.hostname")
            ?? AgentLimits.Length(hello.Executor, AgentLimits.MaxVersionBytes, "hello.executor");
        if (tooLong is not null)
        {
            return tooLong;
        }

        if (!ProtocolVersion.IsSupported(hello.ProtocolVersion))
        {
            return new Rejection(StatusCode.FailedPrecondition, "protocol_version",
                $"protocol version {hello.ProtocolVersion} is not supported; this coordinator accepts {ProtocolVersion.Describe()}");
        }

        if (hello.Role is not (AgentRole.Host or AgentRole.Guest))
        {
            return Rejection.Invalid("invalid_value", "hello.role must be AGENT_ROLE_HOST or AGENT_ROLE_GUEST");
        }

        if (!PolicyCatalog.IsFileName(VmOf(hello.Vm)))
        {
            return Rejection.Invalid("invalid_value", "hello.vm must be letters, digits, '.', '_' and '-' (not starting with '.')");
        }

        if (hello.Role == AgentRole.Host)
        {
            var node = Check.NodeId(hello.NodeId, "hello.node_id", maxNodeId, knownNodes);
            if (node is not null)
            {
                return node;
            }
        }

        if (hello.Role == AgentRole.Guest && hello.Topology is not null)
        {
            var ids = new HashSet<uint>();
            var count = AgentLimits.Count(hello.Topology.Nodes.Count, maxNodeId + 1, "hello.topology.nodes", "nodes_per_message");
            if (count is not null)
            {
                return count;
            }

            foreach (var n in hello.Topology.Nodes)
            {
                var cpus = AgentLimits.Length(n.Cpus, AgentLimits.MaxCpuListBytes, FieldName.Element("hello.topology", "node", n.NodeId).Member("cpus"));
                if (cpus is not null)
                {
                    return cpus;
                }

                if (n.NodeId > maxNodeId)
                {
                    return Rejection.Invalid("unknown_node", $"hello.topology: node id {n.NodeId} is above the limit {maxNodeId}");
                }

                if (!ids.Add(n.NodeId))
                {
                    return Rejection.Invalid("invalid_value", $"hello.topology: node {n.NodeId} listed twice");
                }
            }
        }

        return null;
    }

    /// <summary>A message after hello on a stream of the given identity.</summary>
    public static Rejection? ValidateFollowUp(
        AgentMessage message,
        AgentIdentity identity,
        IReadOnlySet<int>? knownNodes,
        int maxNodeId,
        DateTimeOffset now,
        TimeSpan maxClockSkew,
        int maxTasksPerReport = AgentLimits.DefaultMaxTasksPerReport) => message.PayloadCase switch
        {
            AgentMessage.PayloadOneofCase.GuestReport when identity.Role != AgentRole.Guest =>
                Rejection.Invalid("wrong_role", "guest_report on a host agent's stream"),
            AgentMessage.PayloadOneofCase.GuestReport =>
                ValidateGuestReport(message.GuestReport, identity.Vm, knownNodes, maxNodeId, now, maxClockSkew, maxTasksPerReport),
            AgentMessage.PayloadOneofCase.HostReport when identity.Role != AgentRole.Host =>
                Rejection.Invalid("wrong_role", "host_report on a guest agent's stream"),
            AgentMessage.PayloadOneofCase.HostReport =>
                ValidateHostReport(message.HostReport, identity, now, maxClockSkew),
            AgentMessage.PayloadOneofCase.MigrationResult when identity.Role != AgentRole.Guest =>
                Rejection.Invalid("wrong_role", "migration_result on a host agent's stream"),
            AgentMessage.PayloadOneofCase.MigrationResult =>
                ValidateResult(message.MigrationResult, identity.Vm, now, maxClockSkew),
            AgentMessage.PayloadOneofCase.Hello =>
                Rejection.Invalid("invalid_value", "hello was already received on this stream"),
            _ => Rejection.Invalid("invalid_value", "empty message (no payload)"),
        };

    public static Rejection? ValidateGuestReport(
        GuestReport report, string vm, IReadOnlySet<int>? knownNodes, int maxNodeId, DateTimeOffset now, TimeSpan maxClockSkew,
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

        // Node ids and pids are checked for duplicates by scanning the ones before (no set to
        // allocate) up to SmallList entries, with a set beyond.
        var nodes = report.Nodes;
        HashSet<int>? nodeSet = nodes.Count > SmallList ? new HashSet<int>() : null;
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var where = FieldName.Element("guest_report.nodes", "node", node.NodeId);
            rejection = Check.NodeId(node.NodeId, where.Member("node_id"), maxNodeId, knownNodes)
                ?? AgentLimits.Length(node.Cpus, AgentLimits.MaxCpuListBytes, where.Member("cpus"))
                ?? Check.Ratio(node.StealRatio, where.Member("steal_ratio"))
                ?? Check.Ratio(node.BusyRatio, where.Member("busy_ratio"));
            if (rejection is not null)
            {
                return rejection;
            }

            if (node.MemTotalBytes > 0 && node.MemFreeBytes > node.MemTotalBytes)
            {
                return Rejection.Invalid("invalid_value", $"{where}: mem_free_bytes {node.MemFreeBytes} exceeds mem_total_bytes {node.MemTotalBytes}");
            }

            if (nodeSet is null ? NodeBefore(nodes, i, node.NodeId) : !nodeSet.Add((int)node.NodeId))
            {
                return Rejection.Invalid("invalid_value", $"guest_report.nodes: node {node.NodeId} listed twice");
            }
        }

        var tasks = report.Tasks;
        HashSet<int>? pidSet = tasks.Count > SmallList ? new HashSet<int>() : null;
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            var where = FieldName.Element("guest_report.tasks", "pid", task.Pid);
            if (task.Pid <= 1)
            {
                return Rejection.Invalid("invalid_value", $"{where}: pid must be > 1");
            }

            if (pidSet is null ? PidBefore(tasks, i, task.Pid) : !pidSet.Add(task.Pid))
            {
                return Rejection.Limited("duplicate_pid", StatusCode.InvalidArgument, $"guest_report.tasks: pid {task.Pid} listed twice");
            }

            rejection = AgentLimits.Chars(task.Comm, AgentLimits.MaxCommChars, where.Member("comm"))
                ?? AgentLimits.Length(task.CpusAllowed, AgentLimits.MaxCpuListBytes, where.Member("cpus_allowed"))
                ?? AgentLimits.Count(task.PagesPerNode.Count, AgentLimits.MaxNodeEntries, where.Member("pages_per_node"), "nodes_per_message");
            if (rejection is not null)
            {
                return rejection;
            }

            if (nodeSet is null ? !NodeBefore(nodes, nodes.Count, task.NodeId) : !nodeSet.Contains((int)task.NodeId))
            {
                return Rejection.Invalid("unknown_node", $"{where}: node {task.NodeId} is not among the report's nodes");
            }

            rejection = Check.NonNegative(task.CpuCores, where.Member("cpu_cores"));
            if (rejection is not null)
            {
                return rejection;
            }
        }

        return null;
    }

    /// <summary>Lists up to this long are checked for duplicates by a scan instead of a set.</summary>
    private const int SmallList = 32;

    /// <summary>Whether one of the first <paramref name="count"/> nodes has the id <paramref name="nodeId"/>.</summary>
    private static bool NodeBefore(Google.Protobuf.Collections.RepeatedField<GuestNodeSample> nodes, int count, uint nodeId)
    {
        for (var j = 0; j < count; j++)
        {
            if (nodes[j].NodeId == nodeId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether one of the first <paramref name="count"/> tasks has the pid <paramref name="pid"/>.</summary>
    private static bool PidBefore(Google.Protobuf.Collections.RepeatedField<BeTask> tasks, int count, int pid)
    {
        for (var j = 0; j < count; j++)
        {
            if (tasks[j].Pid == pid)
            {
                return true;
            }
        }

        return false;
    }

    public static Rejection? ValidateHostReport(HostReport report, AgentIdentity identity, DateTimeOffset now, TimeSpan maxClockSkew)
    {
        if (report.NodeId != identity.NodeId)
        {
            return Rejection.Invalid("unknown_node", $"host_report.node_id {report.NodeId} differs from hello's node {identity.NodeId}");
        }

        return AgentLimits.Length(report.Vm, AgentLimits.MaxIdBytes, "host_report.vm")
            ?? Check.Vm(report.Vm, identity.Vm, "host_report.vm")
            ?? Check.Time(report.SampleTime, "host_report.sample_time", now, maxClockSkew)
            ?? Check.NonNegative(report.IntervalSeconds, "host_report.interval_seconds")
            ?? Check.NonNegative(report.CapacityCores, "host_report.capacity_cores")
            ?? Check.NonNegative(report.BusyCores, "host_report.busy_cores")
            ?? (report.HasLcBusyCores ? Check.NonNegative(report.LcBusyCores, "host_report.lc_busy_cores") : null)
            ?? (report.HasLcDemandCores ? Check.NonNegative(report.LcDemandCores, "host_report.lc_demand_cores") : null)
            ?? (report.HasVcpuStealRatio ? Check.Ratio(report.VcpuStealRatio, "host_report.vcpu_steal_ratio") : null);
    }

    public static Rejection? ValidateResult(MigrationResult result, string vm, DateTimeOffset now, TimeSpan maxClockSkew)
    {
        if (string.IsNullOrWhiteSpace(result.CommandId) || string.IsNullOrWhiteSpace(result.MigrationId))
        {
            return Rejection.Invalid("invalid_value", "migration_result needs command_id and migration_id");
        }

        var tooLong = AgentLimits.Length(result.CommandId, AgentLimits.MaxIdBytes, "migration_result.command_id")
            ?? AgentLimits.Length(result.MigrationId, AgentLimits.MaxIdBytes, "migration_result.migration_id")
            ?? AgentLimits.Length(result.Vm, AgentLimits.MaxIdBytes, "migration_result.vm")
            ?? AgentLimits.Length(result.AffinityBefore, AgentLimits.MaxCpuListBytes, "migration_result.affinity_before")
            ?? AgentLimits.Length(result.AffinityAfter, AgentLimits.MaxCpuListBytes, "migration_result.affinity_after")
            ?? AgentLimits.Length(result.Error, AgentLimits.MaxErrorBytes, "migration_result.error")
            ?? AgentLimits.Count(result.PagesBefore.Count, AgentLimits.MaxNodeEntries, "migration_result.pages_before", "nodes_per_message")
            ?? AgentLimits.Count(result.PagesAfter.Count, AgentLimits.MaxNodeEntries, "migration_result.pages_after", "nodes_per_message");
        if (tooLong is not null)
        {
            return tooLong;
        }

        if (result.Status is MigrationStatus.Unspecified or MigrationStatus.Pending || !Enum.IsDefined(result.Status))
        {
            return Rejection.Invalid("invalid_value", $"migration_result.status {result.Status} is not a result");
        }

        return Check.Vm(result.Vm, vm, "migration_result.vm")
            ?? Check.NonNegative(result.DurationMs, "migration_result.duration_ms")
            ?? (result.FinishedAt is null ? null : Check.Time(result.FinishedAt, "migration_result.finished_at", now, maxClockSkew));
    }

    public static string VmOf(string vm) => string.IsNullOrEmpty(vm) ? ProtocolVersion.DefaultVm : vm;

    private static string Describe(AgentMessage message) => message.PayloadCase switch
    {
        AgentMessage.PayloadOneofCase.None => "an empty message",
        var c => c.ToString(),
    };

    private static class Check
    {
        public static Rejection? Ratio(double value, FieldName field) =>
            double.IsFinite(value) && value is >= 0 and <= 1
                ? null
                : Rejection.Invalid("invalid_value", $"{field} must be a ratio in 0..1 (got {value})");

        public static Rejection? NonNegative(double value, FieldName field) =>
            double.IsFinite(value) && value >= 0
                ? null
                : Rejection.Invalid("invalid_value", $"{field} must be finite and >= 0 (got {value})");

        public static Rejection? Vm(string value, string vm, FieldName field) =>
            VmOf(value) == vm ? null : Rejection.Invalid("unknown_vm", $"{field} '{value}' differs from the stream's vm '{vm}'");

        public static Rejection? Time(Google.Protobuf.WellKnownTypes.Timestamp? value, FieldName field, DateTimeOffset now, TimeSpan maxClockSkew)
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

        public static Rejection? NodeId(uint nodeId, FieldName field, int maxNodeId, IReadOnlySet<int>? knownNodes)
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
