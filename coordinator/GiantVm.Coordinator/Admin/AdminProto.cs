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
}
