using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Policies;
using GiantVm.Shared;
using Google.Protobuf.WellKnownTypes;
using ProtoDecision = GiantVm.Contracts.V1.Decision;
using ProtoJournalRecord = GiantVm.Contracts.V1.JournalRecord;

namespace GiantVm.Coordinator.Admin;

/// <summary>Domain records to AdminService proto messages and back.</summary>
public static class AdminProto
{
    public static ProtoDecision ToProto(ExecutedDecision executed, string vm) => new()
    {
        MigrationId = executed.MigrationId,
        Vm = vm,
        Pid = executed.Decision.Pid,
        StartTimeTicks = executed.Decision.StartTime ?? 0,
        Comm = executed.Decision.Comm ?? "",
        FromNode = (uint)executed.Decision.From,
        ToNode = (uint)executed.Decision.To,
        DryRun = executed.Decision.DryRun,
        Trigger = JournalProtoNames.TriggerValue(executed.Trigger),
        Reason = executed.Decision.Reason,
        RssBytes = (ulong)Math.Max(0, executed.Decision.RssBytes ?? 0),
    };

    public static ProtoJournalRecord ToProto(Scheduling.Journal.JournalRecord record)
    {
        var proto = new ProtoJournalRecord
        {
            Id = record.Id,
            Kind = record.Kind,
            MigrationId = record.MigrationId,
            CommandId = record.CommandId ?? "",
            Time = Timestamp.FromDateTimeOffset(record.Time),
            Vm = record.Vm,
            Trigger = JournalProtoNames.TriggerValue(record.Trigger),
            DryRun = record.DryRun,
            Pid = record.Pid,
            StartTimeTicks = record.StartTime ?? 0,
            Comm = record.Comm ?? "",
            ToNode = (uint)Math.Max(0, record.To ?? 0),
            Reason = record.Reason ?? "",
            Status = JournalProtoNames.StatusValue(record.Status),
            PagesMoved = (ulong)Math.Max(0, record.PagesMoved ?? 0),
            PagesLeft = (ulong)Math.Max(0, record.PagesLeft ?? 0),
            DurationMs = record.DurationMs ?? 0,
            Error = record.Error ?? "",
            Member = record.Member ?? "",
            Actor = record.Actor ?? "",
        };
        if (record.From is { } from)
        {
            proto.FromNodes.Add((uint)from);
        }

        return proto;
    }

    public static PolicyInfo ToProto(PolicyInForce policy) => new()
    {
        Name = policy.Policy.Name,
        Source = policy.Source,
        Version = (uint)policy.Version,
        LoadedAt = Timestamp.FromDateTimeOffset(policy.LoadedAt),
        Mode = PolicyModeText.Name(policy.Policy.Mode),
        DryRun = policy.Policy.DryRun,
    };

    public static JournalQuery ToQuery(MigrationsQuery query, string defaultVm) => new(
        Vm: string.IsNullOrEmpty(query.Vm) ? defaultVm : query.Vm,
        Since: query.Since?.ToDateTimeOffset(),
        Node: query.HasNodeId ? (int)query.NodeId : null,
        Pid: query.HasPid ? query.Pid : null,
        Statuses: query.Status.Select(JournalProtoNames.StatusName).ToHashSet(),
        Limit: (int)Math.Min(query.Limit, int.MaxValue));

    public static AgentInfo ToProto(AgentSessionInfo agent, string member) => new()
    {
        Role = agent.Identity.Role,
        NodeId = (uint)agent.Identity.NodeId,
        Vm = agent.Identity.Vm,
        AgentVersion = agent.AgentVersion,
        Member = member,
        ConnectedAt = Timestamp.FromDateTimeOffset(agent.ConnectedAt),
        LastReport = agent.LastReport is { } last ? Timestamp.FromDateTimeOffset(last) : null,
        Hostname = agent.Hostname,
    };

    /// <summary>status: the rebalancer's view and every member (<see cref="ClusterPeers"/>).</summary>
    /// <summary>status: the instance's rebalancer (none: no instance yet), every member, the instance's agents.</summary>
    public static StatusReply ToStatusReply(RebalancerView? view, IReadOnlyList<PeerStatus> peers, string vm, int instances)
    {
        var reply = new StatusReply { Vm = vm, Instances = (uint)instances };
        if (view is not null)
        {
            reply.RebalancerMember = view.Member;
            reply.Policy = ToProto(view.Policy);
            reply.Paused = view.Paused;
            reply.LastRound = view.LastRound is { } last ? Timestamp.FromDateTimeOffset(last) : null;
            reply.LastRoundDecisions = (uint)view.LastRoundDecisions;
            reply.MigrationsLastHour = (uint)view.MigrationsLastHour;
            reply.Recording = view.Recording;
        }

        reply.Members.AddRange(peers.Select(p => new MemberInfo
        {
            Address = p.Address.ToString(),
            Status = p.Status,
            RunsRebalancer = view is not null && p.Address.ToString() == view.MemberAddress,
            GrpcUrl = p.GrpcUrl ?? "",
        }));
        reply.Agents.AddRange(peers.SelectMany(p => p.Agents.Where(a => a.Identity.Vm == vm).Select(a => ToProto(a, p.Member ?? ""))));
        return reply;
    }

    /// <summary>vms: one instance as its rebalancer sees it (null view: it did not answer, <paramref name="error"/> says why).</summary>
    public static VmInfo ToVmInfo(string vm, RebalancerView? view, string? error, int agentsConnected)
    {
        var info = new VmInfo { Vm = vm, AgentsConnected = (uint)agentsConnected, Error = error ?? "" };
        if (view is not null)
        {
            info.Member = view.Member;
            info.Nodes = (uint)view.Snapshot.Nodes.Count;
            info.HotNodes = (uint)view.Nodes.Count(n => n.Hot);
            info.BeTasks = (uint)view.Snapshot.Tasks.Count;
            info.Paused = view.Paused;
            info.PolicyName = view.Policy.Policy.Name;
            info.PolicyVersion = (uint)view.Policy.Version;
            info.MigrationsLastHour = (uint)view.MigrationsLastHour;
            info.Recording = view.Recording;
        }

        return info;
    }

    /// <summary>nodes: each node of the snapshot with what the engine made of it.</summary>
    public static NodesReply ToNodesReply(RebalancerView view, string vm)
    {
        var reply = new NodesReply { Vm = vm };
        foreach (var node in view.Snapshot.Nodes)
        {
            var seen = view.Nodes.FirstOrDefault(n => n.Id == node.Id);
            var status = new NodeStatus
            {
                NodeId = (uint)node.Id,
                Cpus = node.Cpus ?? "",
                StealRatio = node.StealRatio,
                Hot = seen?.Hot ?? false,
                MemTotalBytes = (ulong)Math.Max(0, node.MemTotalBytes ?? 0),
                MemFreeBytes = (ulong)Math.Max(0, node.MemFreeBytes ?? 0),
                Stale = node.AgeSeconds is { } age && age > view.Policy.Policy.StaleAfter.TotalSeconds,
                Drained = node.Drained,
                BeTasks = (uint)view.Snapshot.Tasks.Count(t => t.Node == node.Id),
            };
            if (seen is not null)
            {
                status.SmoothedStealRatio = seen.SmoothedStealRatio;
            }

            if (node.HostStealRatio is { } hostSteal)
            {
                status.HostStealRatio = hostSteal;
            }

            if (node.HostLcBusyCores is { } lc)
            {
                status.HostLcBusyCores = lc;
            }

            if (node.HostCapacityCores is { } capacity)
            {
                status.HostCapacityCores = capacity;
            }

            if (node.AgeSeconds is { } reportAge)
            {
                status.ReportAgeSeconds = reportAge;
            }

            reply.Nodes.Add(status);
        }

        return reply;
    }

    /// <summary>tasks: the BE tasks of the snapshot (of one node when given) with their last move.</summary>
    public static TasksReply ToTasksReply(RebalancerView view, int? node, string vm)
    {
        var reply = new TasksReply { Vm = vm };
        foreach (var task in view.Snapshot.Tasks.Where(t => node is null || t.Node == node))
        {
            var status = new Contracts.V1.TaskStatus
            {
                Pid = task.Pid,
                StartTimeTicks = task.StartTime ?? 0,
                Comm = task.Comm ?? "",
                NodeId = (uint)task.Node,
                RssBytes = (ulong)Math.Max(0, task.RssBytes ?? 0),
                CpuCores = task.CpuCores ?? 0,
            };
            if (view.State.LastMoveOf(task.Pid, task.StartTime) is { } move)
            {
                status.LastMove = Timestamp.FromDateTimeOffset(move.Time);
                status.LastFromNode = (uint)move.From;
            }

            reply.Tasks.Add(status);
        }

        return reply;
    }
}
