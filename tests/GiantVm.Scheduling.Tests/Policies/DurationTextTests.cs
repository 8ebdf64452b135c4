using GiantVm.Scheduling.Policies;

namespace GiantVm.Scheduling.Tests.Policies;

public class DurationTextTests
{
    [Theory]
    [InlineData("300ms", 300)]
    [InlineData("5s", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("0", 0)]
    [InlineData(" 5s ", 5_000)]
    public void TryParse_Valid(string text, double ms)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 s")]
    [InlineData("s")]
    [InlineData("5d")]
    [InlineData("-5s")]
    [InlineData("5S")]
    [InlineData("1..2s")]
    public void TryParse_Invalid(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Theory]
    [InlineData(300, "300ms")]
    [InlineData(5_000, "5s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h")]
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
