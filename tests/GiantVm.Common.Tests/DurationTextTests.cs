using GiantVm.Common;

namespace GiantVm.Common.Tests;

public class DurationTextTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("300ms", 300)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("1d12h", 129_600_000)]
    [InlineData("45", 45_000)]
    [InlineData("0.25", 250)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData(" 5s ", 5_000)]
    public void TryParse_AcceptsUnitsInAnyCombinationAndBareSeconds(string text, double ms)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("5 s")]
    [InlineData("s")]
    [InlineData("ms")]
    [InlineData("5x")]
    [InlineData("5w")]
    [InlineData("-5s")]
    [InlineData("-5")]
    [InlineData("+5s")]
    [InlineData("5S")]
    [InlineData("5H")]
    [InlineData("1..2s")]
    [InlineData(".")]
    [InlineData("1h30")]
    [InlineData("soon")]
    [InlineData("1e3s")]
    [InlineData("99999999999999d")]
    [InlineData("99999999999999999999")]
    public void TryParse_RejectsAnythingElse(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Theory]
    [InlineData(300, "300ms")]
    [InlineData(5_000, "5s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h")]
    [InlineData(172_800_000, "48h")]
    [InlineData(0, "0s")]
    [InlineData(1_500, "1500ms")]
    public void Format_ParsesBack(double ms, string expected)
    {
        var text = DurationText.Format(TimeSpan.FromMilliseconds(ms));

        Assert.Equal(expected, text);
        Assert.True(DurationText.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), back);
    }
}
