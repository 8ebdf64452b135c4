using GiantVm.Ctl.Cli;

namespace GiantVm.Ctl.Live;

/// <summary>
/// A <see cref="TableWriter"/> that fits a width (the terminal's, <see cref="TerminalWidth"/>):
/// when the rows are wider, the widest free-text column (a reason, a command name; the last
/// column unless <see cref="Free"/> names others) is cut, one character at a time, ending in
/// "..."; ids, numbers and states are never cut. No width (output piped): nothing is cut.
/// </summary>
internal sealed class FittedTable(int? width, params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private HashSet<int> _free = [headers.Length - 1];

    public int Count => _rows.Count;

    /// <summary>The columns that may be cut (by header); the others are shown whole.</summary>
    public FittedTable Free(params string[] columns)
    {
        _free = columns.Select(c => Array.IndexOf(headers, c) is var i and >= 0 ? i : throw new ArgumentException($"no column {c}", nameof(columns))).ToHashSet();
        return this;
    }

    public FittedTable Row(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    public void WriteTo(TextWriter writer, string indent = "")
    {
        var widths = Widths(indent.Length);
        var table = new TableWriter(headers);
        foreach (var row in _rows)
        {
            table.Row([.. row.Select((cell, i) => LiveText.Cut(cell, widths[i]))]);
        }

        table.WriteTo(writer, indent);
    }

    /// <summary>Each column's width: its widest cell, then the widest free columns narrowed until the line fits.</summary>
    internal int[] Widths(int indent)
    {
        var widths = Enumerable.Range(0, headers.Length).Select(i => _rows.Select(r => r[i].Length).Append(headers[i].Length).Max()).ToArray();
        if (width is not { } limit)
        {
            return widths;
        }

        var over = indent + widths.Sum() + (2 * (widths.Length - 1)) - limit;
        while (over > 0)
        {
            // a cut column keeps its header and room for "x..."
            var widest = _free.Where(i => widths[i] > Math.Max(headers[i].Length, 4)).OrderByDescending(i => widths[i]).ThenByDescending(i => i).FirstOrDefault(-1);
            if (widest < 0)
            {
                break; // only ids and numbers left: wider than the terminal rather than wrong
            }

            widths[widest]--;
            over--;
        }

        return widths;
    }
}
