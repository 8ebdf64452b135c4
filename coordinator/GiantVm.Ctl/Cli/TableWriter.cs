namespace GiantVm.Ctl.Cli;

/// <summary>Column-aligned plain-text tables (two spaces between columns; the last column is not padded).</summary>
public sealed class TableWriter(params string[] headers)
{
    private readonly List<string[]> _rows = [headers];

    public TableWriter Row(params object?[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells.Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture) ?? "-").ToArray());
        return this;
    }

    public int Count => _rows.Count - 1;

    public void WriteTo(TextWriter writer, string indent = "")
    {
        ArgumentNullException.ThrowIfNull(writer);
        var widths = Enumerable.Range(0, headers.Length).Select(i => _rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in _rows)
        {
            var cells = row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i]));
            writer.WriteLine(indent + string.Join("  ", cells).TrimEnd());
        }
    }
}
