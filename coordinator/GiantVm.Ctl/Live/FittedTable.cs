using GiantVm.Ctl.Cli;

namespace GiantVm.Ctl.Live;

/// <summary>
/// A <see cref="TableWriter"/> that fits <see cref="LiveText.Width"/> columns: the last column
/// (free text such as a reason) is cut to what is left by the others.
/// </summary>
internal sealed class FittedTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public FittedTable Row(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    public void WriteTo(TextWriter writer, string indent = "")
    {
        var last = headers.Length - 1;
        var used = indent.Length + Enumerable.Range(0, last).Sum(i => Math.Max(headers[i].Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length)) + 2);
        var room = Math.Max(headers[last].Length, LiveText.Width - used);
        var table = new TableWriter(headers);
        foreach (var row in _rows)
        {
            table.Row([.. row[..last], LiveText.Cut(row[last], room)]);
        }

        table.WriteTo(writer, indent);
    }
}
