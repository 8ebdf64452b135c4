using GiantVm.Contracts.V1;
using GiantVm.Scheduling.Journal;
using GiantVm.Shared;
using ProtoJournalRecord = GiantVm.Contracts.V1.JournalRecord;
using JournalRecord = GiantVm.Scheduling.Journal.JournalRecord;

namespace GiantVm.Ctl.Live;

/// <summary>Converts AdminService messages to the journal's own records and names, so that live and offline output match.</summary>
internal static class ProtoRecords
{
    public static JournalRecord ToRecord(ProtoJournalRecord proto) => new()
    {
        Id = proto.Id,
        Kind = proto.Kind,
        MigrationId = proto.MigrationId,
        CommandId = Blank(proto.CommandId),
        Time = proto.Time?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch,
        Vm = proto.Vm,
        Trigger = JournalProtoNames.TriggerName(proto.Trigger),
        DryRun = proto.DryRun,
        Pid = proto.Pid,
        StartTime = proto.StartTimeTicks == 0 ? null : proto.StartTimeTicks,
        Comm = Blank(proto.Comm),
        From = proto.FromNodes.Count > 0 ? (int)proto.FromNodes[0] : null,
        To = (int)proto.ToNode,
        Reason = Blank(proto.Reason),
        Status = JournalProtoNames.StatusName(proto.Status),
        PagesMoved = proto.Kind == JournalKinds.Result ? (long)proto.PagesMoved : null,
        PagesLeft = proto.Kind == JournalKinds.Result ? (long)proto.PagesLeft : null,
        DurationMs = proto.Kind == JournalKinds.Result ? proto.DurationMs : null,
        Error = Blank(proto.Error),
        Member = Blank(proto.Member),
        Actor = Blank(proto.Actor),
    };

    public static string RoleName(AgentRole role) => role switch
    {
        AgentRole.Host => "host",
        AgentRole.Guest => "guest",
        _ => "unknown",
    };

    private static string? Blank(string text) => string.IsNullOrEmpty(text) ? null : text;
}
