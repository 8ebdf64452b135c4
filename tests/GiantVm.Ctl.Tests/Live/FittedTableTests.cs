using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Tests.Live;

public sealed class FittedTableTests
{
    private static string Write(int? width, Func<FittedTable, FittedTable>? free = null)
    {
        var table = new FittedTable(width, "PID", "COMM", "NODE", "REASON");
        table = free?.Invoke(table) ?? table;
        table.Row("123456789", "a-rather-long-command", "12", new string('r', 60));
        table.Row("7", "sh", "3", "short");
        var w = new StringWriter();
        table.WriteTo(w);
        return w.ToString();
    }

    [Fact]
    public void NoWidth_CutsNothing()
    {
        var text = Write(null);

        Assert.Contains("a-rather-long-command", text, StringComparison.Ordinal);
        Assert.Contains(new string('r', 60), text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(60)]
    [InlineData(45)]
    public void AWidth_CutsTheWidestFreeColumnFirst_AndEveryLineFits(int width)
    {
        var lines = Write(width, t => t.Free("COMM", "REASON")).TrimEnd('\n').Split('\n');

        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        Assert.StartsWith("123456789  ", lines[1], StringComparison.Ordinal); // ids whole
        Assert.EndsWith("...", lines[1], StringComparison.Ordinal);
        var commWidth = lines[0].IndexOf("NODE", StringComparison.Ordinal) - lines[0].IndexOf("COMM", StringComparison.Ordinal) - 2;
        var reasonWidth = lines[1].Length - lines[0].IndexOf("REASON", StringComparison.Ordinal);
        // the reason gives way until it is no wider than the command name, then both do
        Assert.True(commWidth == "a-rather-long-command".Length ? reasonWidth >= commWidth - 1 : Math.Abs(reasonWidth - commWidth) <= 1,
            $"comm {commWidth}, reason {reasonWidth}");
    }

    [Fact]
    public void AWidthNarrowerThanTheIds_CutsFreeColumnsToTheirHeadersWidth_AndNeverTheIds()
    {
        var lines = Write(10, t => t.Free("COMM", "REASON")).TrimEnd('\n').Split('\n');

        Assert.Equal("123456789  a...  12    rrr...", lines[1]);
    }
}
