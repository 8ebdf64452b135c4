using System.Globalization;
using System.Text.Json.Nodes;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Ctl.Live;

/// <summary><c>giantvmctl migrations</c>: journal records as a table, a JSON array or JSON Lines (the journal's own format).</summary>
internal static class MigrationsView
{
    public static readonly string[] Headers = ["TIME", "PID", "COMM", "FROM", "TO", "TRIGGER", "STATUS", "DETAIL"];

    public static void Table(TextWriter w, IReadOnlyList<JournalRecord> records)
    {
        if (records.Count == 0)
        {
            w.WriteLine("no migrations match");
            return;
        }

        var table = new FittedTable(Headers);
        foreach (var r in records)
        {
            table.Row(Row(r));
        }

        table.WriteTo(w);
    }

    /// <summary>One record as table cells (also used unaligned by --follow).</summary>
    public static string[] Row(JournalRecord r) =>
    [
        LiveText.Time(r.Time), r.Pid.ToString(CultureInfo.InvariantCulture), LiveText.Cut(r.Comm ?? "-", 12),
        r.From?.ToString(CultureInfo.InvariantCulture) ?? "-", r.To?.ToString(CultureInfo.InvariantCulture) ?? "-",
        r.Trigger, r.Status, Detail(r),
    ];

    /// <summary>A followed record on one line: fixed column widths, cut to the table width.</summary>
    public static string Line(JournalRecord r) => Line(Row(r));

    /// <summary>The header of --follow's lines.</summary>
    public static string HeaderLine() => Line(Headers).TrimEnd();

    private static string Line(string[] c)
    {
        var line = $"{c[0],-14}  {c[1],7}  {c[2],-12}  {c[3],-4}  {c[4],-3}  {c[5],-8}  {c[6],-8}  ";
        return line + LiveText.Cut(c[7], Math.Max(8, LiveText.Width - line.Length));
    }

    /// <summary>The reason of a decision; pages and duration (or the error) of a result.</summary>
    public static string Detail(JournalRecord r)
    {
        if (r.Kind == JournalKinds.Decision)
        {
            return r.Reason ?? "";
        }

        if (!string.IsNullOrEmpty(r.Error))
        {
            return r.Error;
        }

        var duration = r.DurationMs is { } ms ? $" in {ms.ToString("0", CultureInfo.InvariantCulture)} ms" : "";
        var left = r.PagesLeft is > 0 ? $", {r.PagesLeft} left" : "";
        return $"{r.PagesMoved ?? 0} pages moved{left}{duration}";
    }

    public static string Json(IReadOnlyList<JournalRecord> records) =>
        LiveJson.Write(LiveJson.Array(records, r => JsonNode.Parse(JournalJson.Serialize(r))));

    public static void JsonLines(TextWriter w, IEnumerable<JournalRecord> records)
    {
        foreach (var r in records)
        {
            w.WriteLine(JournalJson.Serialize(r));
        }
    }
}
