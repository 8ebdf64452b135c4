using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;
using GiantVm.Shared;

namespace GiantVm.Coordinator.Agents;

/// <summary>Proto agent messages (already validated) to the rebalancer's records.</summary>
public static class AgentMessageConverter
{
    public static GuestReportData ToData(GuestReport report)
    {
        // Loops into lists of the exact size (no LINQ iterators or list regrowth: once per guest report).
        var nodes = new GuestNodeData[report.Nodes.Count];
        for (var i = 0; i < nodes.Length; i++)
        {
            var n = report.Nodes[i];
            nodes[i] = new GuestNodeData(
                (int)n.NodeId,
                n.Cpus,
                n.StealRatio,
                n.BusyRatio,
                n.MemTotalBytes > 0 ? (long)n.MemTotalBytes : null,
                n.MemTotalBytes > 0 ? (long)n.MemFreeBytes : null);
        }

        var tasks = new TaskSnapshot[report.Tasks.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            var t = report.Tasks[i];
            tasks[i] = new TaskSnapshot(t.Pid, (int)t.NodeId)
            {
                StartTime = t.StartTimeTicks > 0 ? t.StartTimeTicks : null,
                Comm = string.IsNullOrEmpty(t.Comm) ? null : t.Comm,
                RssBytes = t.RssBytes > 0 ? (long)t.RssBytes : null,
                CpuCores = t.CpuCores,
            };
        }

        return new GuestReportData(report.SampleTime.ToDateTimeOffset(), nodes, tasks);
    }

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
