using System.Globalization;
using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;

namespace GiantVm.Ctl.Live;

/// <summary><c>giantvmctl nodes</c>: one row per virtual NUMA node.</summary>
internal static class NodesView
{
    /// <summary>The table; <paramref name="wide"/> adds the host's own steal and each node's total memory.</summary>
    public static void Table(TextWriter w, NodesReply reply, int? width = null, bool wide = false)
    {
        if (reply.Nodes.Count == 0)
        {
            w.WriteLine("no nodes known yet (no guest agent has reported)");
            return;
        }

        string[] headers = wide
            ? ["NODE", "CPUS", "STEAL", "SMOOTH", "STATE", "HOST-STEAL", "HOST-LC", "CAP", "MEM-FREE", "MEM-TOTAL", "AGE", "DRAINED", "BE"]
            : ["NODE", "CPUS", "STEAL", "SMOOTH", "STATE", "HOST-LC", "CAP", "MEM-FREE", "AGE", "DRAINED", "BE"];
        var table = new FittedTable(width, headers).Free("CPUS");
        foreach (var n in reply.Nodes.OrderBy(n => n.NodeId))
        {
            var noMemory = n.MemTotalBytes == 0 && n.MemFreeBytes == 0;
            string[] first = [n.NodeId.ToString(CultureInfo.InvariantCulture), n.Cpus.Length == 0 ? "-" : n.Cpus,
                LiveText.Ratio(n.HasStealRatio ? n.StealRatio : null), LiveText.Ratio(n.HasSmoothedStealRatio ? n.SmoothedStealRatio : null), State(n)];
            string[] host = [LiveText.Cores(n.HasHostLcBusyCores ? n.HostLcBusyCores : null), LiveText.Cores(n.HasHostCapacityCores ? n.HostCapacityCores : null),
                noMemory ? "-" : LiveText.Bytes(n.MemFreeBytes)];
            string[] last = [LiveText.Age(n.HasReportAgeSeconds ? n.ReportAgeSeconds : null), LiveText.YesNo(n.Drained), n.BeTasks.ToString(CultureInfo.InvariantCulture)];
            table.Row(wide
                ? [.. first, LiveText.Ratio(n.HasHostStealRatio ? n.HostStealRatio : null), .. host, noMemory ? "-" : LiveText.Bytes(n.MemTotalBytes), .. last]
                : [.. first, .. host, .. last]);
        }

        table.WriteTo(w);
    }

    /// <summary>stale (no fresh report), hot, or cool.</summary>
    public static string State(NodeStatus n) => n.Stale ? "stale" : n.Hot ? "hot" : "cool";

    public static string Json(NodesReply reply) => LiveJson.Write(new JsonObject
    {
        ["vm"] = reply.Vm,
        ["nodes"] = LiveJson.Array(reply.Nodes.OrderBy(n => n.NodeId), n => new JsonObject
        {
            ["node"] = n.NodeId,
            ["cpus"] = n.Cpus,
            ["stealRatio"] = n.HasStealRatio ? n.StealRatio : null,
            ["smoothedStealRatio"] = n.HasSmoothedStealRatio ? n.SmoothedStealRatio : null,
            ["state"] = State(n),
            ["hot"] = n.Hot,
            ["stale"] = n.Stale,
            ["hostStealRatio"] = n.HasHostStealRatio ? n.HostStealRatio : null,
            ["hostLcBusyCores"] = n.HasHostLcBusyCores ? n.HostLcBusyCores : null,
            ["hostCapacityCores"] = n.HasHostCapacityCores ? n.HostCapacityCores : null,
            ["memTotalBytes"] = n.MemTotalBytes,
            ["memFreeBytes"] = n.MemFreeBytes,
            ["reportAgeSeconds"] = n.HasReportAgeSeconds ? n.ReportAgeSeconds : null,
            ["drained"] = n.Drained,
            ["beTasks"] = n.BeTasks,
        }),
    });
}
