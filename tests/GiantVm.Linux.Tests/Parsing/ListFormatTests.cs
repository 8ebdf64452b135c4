using FsCheck.Fluent;

namespace GiantVm.Linux.Tests.Parsing;

public class ListFormatTests
{
    [Theory]
    [InlineData("", new int[0])]
    [InlineData("\n", new int[0])]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3\n", new[] { 0, 1, 2, 3 })]
    [InlineData("0-1,3", new[] { 0, 1, 3 })]
    [InlineData("0-3,8-11", new[] { 0, 1, 2, 3, 8, 9, 10, 11 })]
    [InlineData("0-10:3", new[] { 0, 3, 6, 9 })]
    [InlineData("8-11,0-3:2", new[] { 0, 2, 8, 9, 10, 11 })]
    [InlineData("3,1,1-2", new[] { 1, 2, 3 })]
    public void Parse_ValidLists_GivesSortedDistinctNumbers(string text, int[] expected) =>
        Assert.Equal(expected, ListFormat.Parse(text));

    [Theory]
    [InlineData("a")]
    [InlineData("1,,2")]
    [InlineData("3-1")]
    [InlineData("-1")]
    [InlineData("1-")]
    [InlineData("0-4:0")]
    [InlineData("4:2")]
    [InlineData("0-99999999")]
    public void Parse_MalformedList_ThrowsNamingTheFile(string text)
    {
        var e = Assert.Throws<ProcParseException>(() => ListFormat.Parse(text, "/sys/x/cpulist"));
        Assert.Equal("/sys/x/cpulist", e.Path);
        Assert.StartsWith("/sys/x/cpulist:", e.Message);
    }

    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 5 }, "5")]
    [InlineData(new[] { 0, 1 }, "0-1")]
    [InlineData(new[] { 3, 0, 1, 2, 8, 10, 11 }, "0-3,8,10-11")]
    public void Format_WritesKernelStyle(int[] values, string expected) =>
        Assert.Equal(expected, ListFormat.Format(values));

    [Fact]
    public void Parse_OfFormat_GivesTheSortedDistinctSet() =>
        PropertyCheck.For(
            Gen.Choose(0, 4095).ArrayOf(),
            values => ListFormat.Parse(ListFormat.Format(values)).SequenceEqual(values.Distinct().Order()),
            maxTest: 500);

    [Fact]
    public void Format_OfParse_IsCanonical_SoItIsStable() =>
        PropertyCheck.For(
            Gen.Choose(0, 300).ArrayOf(),
            values =>
            {
                var once = ListFormat.Format(values);
                return ListFormat.Format(ListFormat.Parse(once)) == once;
            });

    [Fact]
    public void Stride_MatchesEnumeration() =>
        PropertyCheck.For(
            from start in Gen.Choose(0, 511)
            from length in Gen.Choose(0, 511)
            from stride in Gen.Choose(1, 16)
            select (start, end: start + length, stride),
            t => ListFormat.Parse($"{t.start}-{t.end}:{t.stride}")
                .SequenceEqual(Enumerable.Range(t.start, t.end - t.start + 1).Where(n => (n - t.start) % t.stride == 0)));
}
