using System.Globalization;
using System.Text.Json.Nodes;
using GiantVm.Shared;

namespace GiantVm.Ctl.Live;

/// <summary>The decisions of rebalance, move and drain --evacuate, with their results when waited for.</summary>
internal static class DecisionsView
{
    /// <summary>The table; <paramref name="wide"/> adds the migration id, the trigger and the task's RSS.</summary>
    public static void Table(TextWriter w, IReadOnlyList<DecisionOutcome> outcomes, string? emptyMessage, int? width = null, bool wide = false)
    {
        if (outcomes.Count == 0)
        {
            w.WriteLine("no decisions" + (string.IsNullOrWhiteSpace(emptyMessage) ? "" : ": " + emptyMessage));
            return;
        }

        var table = wide
            ? new FittedTable(width, "MIGRATION", "PID", "COMM", "FROM", "TO", "RSS", "TRIGGER", "STATUS", "REASON").Free("COMM", "REASON")
            : new FittedTable(width, "PID", "COMM", "FROM", "TO", "STATUS", "REASON").Free("COMM", "REASON");
        foreach (var o in outcomes)
        {
            var d = o.Decision;
            var detail = o.Result is { } r && r.Error.Length > 0 ? r.Error : d.Reason;
            string[] task = [d.Pid.ToString(CultureInfo.InvariantCulture), d.Comm.Length == 0 ? "-" : d.Comm,
                d.FromNode.ToString(CultureInfo.InvariantCulture), d.ToNode.ToString(CultureInfo.InvariantCulture)];
            table.Row(wide
                ? [d.MigrationId, .. task, LiveText.Bytes(d.RssBytes), JournalProtoNames.TriggerName(d.Trigger), o.Status, detail]
                : [.. task, o.Status, detail]);
        }

        table.WriteTo(w);
        w.WriteLine(Summary(outcomes));
    }

    /// <summary>"3 decisions: 2 done, 1 failed".</summary>
    public static string Summary(IReadOnlyList<DecisionOutcome> outcomes) =>
        $"{outcomes.Count} decision{(outcomes.Count == 1 ? "" : "s")}: " +
        string.Join(", ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));

    public static JsonObject Json(IReadOnlyList<DecisionOutcome> outcomes, bool timedOut, string? message) => new()
    {
        ["decisions"] = LiveJson.Array(outcomes, o => new JsonObject
        {
            ["migrationId"] = o.Decision.MigrationId,
            ["pid"] = o.Decision.Pid,
            ["comm"] = o.Decision.Comm,
            ["from"] = o.Decision.FromNode,
            ["to"] = o.Decision.ToNode,
            ["dryRun"] = o.Decision.DryRun,
            ["trigger"] = JournalProtoNames.TriggerName(o.Decision.Trigger),
            ["reason"] = o.Decision.Reason,
            ["rssBytes"] = o.Decision.RssBytes,
            ["status"] = o.Status,
            ["result"] = o.Result is not { } r ? null : new JsonObject
            {
                ["time"] = LiveJson.Time(r.Time),
                ["pagesMoved"] = r.PagesMoved,
                ["pagesLeft"] = r.PagesLeft,
                ["durationMs"] = r.DurationMs,
                ["error"] = r.Error.Length == 0 ? null : r.Error,
            },
        }),
        ["timedOut"] = timedOut,
        ["message"] = string.IsNullOrEmpty(message) ? null : message,
    };
}
