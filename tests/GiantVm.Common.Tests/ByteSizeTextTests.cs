using GiantVm.Common;

namespace GiantVm.Common.Tests;

public class ByteSizeTextTests
{
    [Theory]
    [InlineData("512M", 512L << 20)]
    [InlineData("4G", 4L << 30)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("2gib", 2L << 30)]
    [InlineData("4g", 4L << 30)]
    [InlineData("64MB", 64L << 20)]
    [InlineData("512KiB", 512L << 10)]
    [InlineData("1.5k", 1536)]
    [InlineData("1T", 1L << 40)]
    [InlineData("1048576", 1048576)]
    [InlineData("100B", 100)]
    [InlineData("0", 0)]
    [InlineData(" 4 GiB ", 4L << 30)]
    public void TryParse_AcceptsBinaryUnitsInAnyCaseAndBareBytes(string text, long bytes)
    {
        Assert.True(ByteSizeText.TryParse(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("4X")]
    [InlineData("4GiBs")]
    [InlineData("-4G")]
    [InlineData("4 G B")]
    [InlineData("1..5G")]
    [InlineData("99999999T")]
    public void TryParse_RejectsAnythingElse(string text) => Assert.False(ByteSizeText.TryParse(text, out _));

    [Theory]
    [InlineData(0, "0")]
    [InlineData(1000, "1000")]
    [InlineData(1536, "1.5KiB")]
    [InlineData(512L << 20, "512MiB")]
    [InlineData(4L << 30, "4GiB")]
    public void Format_ParsesBack(long bytes, string expected)
    {
        var text = ByteSizeText.Format(bytes);

        Assert.Equal(expected, text);
        Assert.True(ByteSizeText.TryParse(text, out var back));
        Assert.Equal(bytes, back);
    }
}
