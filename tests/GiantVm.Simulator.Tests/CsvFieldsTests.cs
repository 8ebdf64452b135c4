using System.Globalization;
using System.Text;
using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Tests;

public sealed class CsvFieldsTests
{
    [Theory]
    [InlineData("0.03125")]
    [InlineData("0.1")]
    [InlineData("1")]
    [InlineData("0.0006275")]
    [InlineData("123456.789012345")]
    [InlineData("-0.5")]
    [InlineData("1e-05")]
    [InlineData("0.12345678901234567890")]
    [InlineData(".5")]
    public void TryParseDouble_MatchesDoubleParseExactly(string text)
    {
        Assert.True(CsvFields.TryParseDouble(Encoding.ASCII.GetBytes(text), out double value));
        Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData(".")]
    [InlineData("-")]
    [InlineData("--5")]
    public void TryParseDouble_RejectsNonNumbers(string text)
    {
        Assert.False(CsvFields.TryParseDouble(Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("600000000", 600000000L, true)]
    [InlineData("9223372036854775807", long.MaxValue, true)]
    [InlineData("-5", -5L, true)]
    [InlineData("", 0L, false)]
    [InlineData("12a", 0L, false)]
    [InlineData("-", 0L, false)]
    [InlineData("--5", 0L, false)]
    public void TryParseInt64_ParsesTraceIntegers(string text, long expected, bool ok)
    {
        Assert.Equal(ok, CsvFields.TryParseInt64(Encoding.ASCII.GetBytes(text), out long value));
        if (ok)
        {
            Assert.Equal(expected, value);
        }
    }

    [Fact]
    public void Next_ReturnsEmptyFieldsForMissingValues()
    {
        var f = new CsvFields("1,,3,"u8);
        var fields = new List<string>();
        while (f.Next(out ReadOnlySpan<byte> field))
        {
            fields.Add(Encoding.ASCII.GetString(field));
        }

        Assert.Equal(["1", "", "3", ""], fields);
    }
}
