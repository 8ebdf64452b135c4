using System.Globalization;
using System.Text.Json.Nodes;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Ctl.Live;

/// <summary><c>giantvmctl migrations</c>: journal records as a table, a JSON array or JSON Lines (the journal's own format).</summary>
internal static class MigrationsView
{
    public static readonly string[] Headers = ["TIME", "PID", "COMM", "FROM", "TO", "TRIGGER", "STATUS", "DETAIL"];

    /// <summary>The columns of <c>-o wide</c>: the migration id, its kind (decision or result) and the task's start time before them.</summary>
    public static readonly string[] WideHeaders = ["TIME", "MIGRATION", "KIND", "PID", "START", "COMM", "FROM", "TO", "TRIGGER", "STATUS", "DETAIL"];

    public static void Table(TextWriter w, IReadOnlyList<JournalRecord> records, int? width = null, bool wide = false)
    {
        if (records.Count == 0)
        {
            w.WriteLine("no migrations match");
            return;
        }

        var table = new FittedTable(width, wide ? WideHeaders : Headers).Free("COMM", "DETAIL");
        foreach (var r in records)
        {
            table.Row(wide ? WideRow(r) : Row(r));
        }

        table.WriteTo(w);
    }

    /// <summary>One record as table cells (also used unaligned by --follow).</summary>
    public static string[] Row(JournalRecord r) =>
    [
        LiveText.Time(r.Time), r.Pid.ToString(CultureInfo.InvariantCulture), r.Comm ?? "-",
        r.From?.ToString(CultureInfo.InvariantCulture) ?? "-", r.To?.ToString(CultureInfo.InvariantCulture) ?? "-",
        r.Trigger, r.Status, Detail(r),
    ];

    public static string[] WideRow(JournalRecord r)
    {
        var c = Row(r);
        return [c[0], r.MigrationId, r.Kind, c[1], r.StartTime?.ToString(CultureInfo.InvariantCulture) ?? "-", .. c[2..]];
    }

    /// <summary>A followed record on one line: fixed column widths, the detail cut to <paramref name="width"/> (no width: whole).</summary>
    public static string Line(JournalRecord r, int? width = null) => Line(Row(r), width);

    /// <summary>The header of --follow's lines.</summary>
    public static string HeaderLine() => Line(Headers, null).TrimEnd();

    private static string Line(string[] c, int? width)
    {
        var line = $"{c[0],-14}  {c[1],7}  {LiveText.Cut(c[2], 12),-12}  {c[3],-4}  {c[4],-3}  {c[5],-8}  {c[6],-8}  ";
        return line + (width is { } w ? LiveText.Cut(c[7], Math.Max(8, w - line.Length)) : c[7]);
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
