using System.Globalization;
using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;

namespace GiantVm.Ctl.Live;

/// <summary><c>giantvmctl tasks</c>: one row per BE task.</summary>
internal static class TasksView
{
    /// <summary>The table; <paramref name="wide"/> adds each task's start time (with the pid, one process) and the time of its last move.</summary>
    public static void Table(TextWriter w, TasksReply reply, DateTimeOffset now, int? width = null, bool wide = false)
    {
        if (reply.Tasks.Count == 0)
        {
            w.WriteLine("no BE tasks");
            return;
        }

        var table = wide
            ? new FittedTable(width, "PID", "START", "COMM", "NODE", "RSS", "CPU", "MOVED AT", "LAST MOVE").Free("COMM", "LAST MOVE")
            : new FittedTable(width, "PID", "COMM", "NODE", "RSS", "CPU", "LAST MOVE").Free("COMM", "LAST MOVE");
        foreach (var t in reply.Tasks.OrderBy(t => t.NodeId).ThenBy(t => t.Pid))
        {
            var pid = t.Pid.ToString(CultureInfo.InvariantCulture);
            var comm = t.Comm.Length == 0 ? "-" : t.Comm;
            var lastMove = t.LastMove is null ? "never" : $"{LiveText.Ago(t.LastMove.ToDateTimeOffset(), now)}" +
                                                          (t.HasLastFromNode ? $" from node {t.LastFromNode}" : "");
            string[] middle = [t.NodeId.ToString(CultureInfo.InvariantCulture), LiveText.Bytes(t.RssBytes), LiveText.Cores(t.CpuCores)];
            table.Row(wide
                ? [pid, t.StartTimeTicks == 0 ? "-" : t.StartTimeTicks.ToString(CultureInfo.InvariantCulture), comm, .. middle,
                   t.LastMove is null ? "-" : LiveText.Time(t.LastMove.ToDateTimeOffset()), lastMove]
                : [pid, comm, .. middle, lastMove]);
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
