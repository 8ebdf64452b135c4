using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;
using GiantVm.Shared;

namespace GiantVm.Coordinator.Agents;

/// <summary>Proto agent messages (already validated) to the rebalancer's records.</summary>
public static class AgentMessageConverter
{
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

    public static HostReportData ToData(HostReport report) => new(
        (int)report.NodeId,
        report.SampleTime.ToDateTimeOffset(),
        report.CapacityCores > 0 ? report.CapacityCores : null,
        report.BusyCores,
        report.HasLcBusyCores ? report.LcBusyCores : null,
        report.HasVcpuStealRatio ? report.VcpuStealRatio : null)
    {
        LcDemandCores = report.HasLcDemandCores ? report.LcDemandCores : null,
    };

    public static MigrationResultData ToData(MigrationResult result) => new(
        result.CommandId,
        result.MigrationId,
        result.Pid,
        JournalProtoNames.StatusName(result.Status),
        (long)result.PagesMoved,
        (long)result.PagesLeft,
        result.DurationMs,
        string.IsNullOrEmpty(result.Error) ? null : result.Error);
}
