using System.Globalization;
using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;

namespace GiantVm.Ctl.Live;

/// <summary><c>giantvmctl tasks</c>: one row per BE task.</summary>
internal static class TasksView
{
    public static void Table(TextWriter w, TasksReply reply, DateTimeOffset now)
    {
        if (reply.Tasks.Count == 0)
        {
            w.WriteLine("no BE tasks");
            return;
        }

        var table = new FittedTable("PID", "COMM", "NODE", "RSS", "CPU", "LAST MOVE");
        foreach (var t in reply.Tasks.OrderBy(t => t.NodeId).ThenBy(t => t.Pid))
        {
            table.Row(t.Pid.ToString(CultureInfo.InvariantCulture), LiveText.Cut(t.Comm.Length == 0 ? "-" : t.Comm, 16),
                t.NodeId.ToString(CultureInfo.InvariantCulture), LiveText.Bytes(t.RssBytes), LiveText.Cores(t.CpuCores),
                t.LastMove is null ? "never" : $"{LiveText.Ago(t.LastMove.ToDateTimeOffset(), now)}" +
                                               (t.HasLastFromNode ? $" from node {t.LastFromNode}" : ""));
        }

        table.WriteTo(w);
    }

    public static string Json(TasksReply reply) => LiveJson.Write(new JsonObject
    {
        ["vm"] = reply.Vm,
        ["tasks"] = LiveJson.Array(reply.Tasks.OrderBy(t => t.NodeId).ThenBy(t => t.Pid), t => new JsonObject
        {
            ["pid"] = t.Pid,
            ["startTime"] = t.StartTimeTicks == 0 ? null : t.StartTimeTicks,
            ["comm"] = t.Comm,
            ["node"] = t.NodeId,
            ["rssBytes"] = t.RssBytes,
            ["cpuCores"] = t.CpuCores,
            ["lastMove"] = LiveJson.Time(t.LastMove),
            ["lastFromNode"] = t.HasLastFromNode ? t.LastFromNode : null,
        }),
    });
}
