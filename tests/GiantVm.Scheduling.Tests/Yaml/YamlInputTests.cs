using GiantVm.Scheduling.Yaml;
using YamlDotNet.RepresentationModel;

namespace GiantVm.Scheduling.Tests.Yaml;

public sealed class YamlInputTests
{
    private static YamlMappingNode Root(string yaml)
    {
        Assert.True(YamlInput.TryLoad(yaml, 4096, out var stream, out var problem), problem.Message);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [Theory]
    [InlineData("k: 5s", null, "5s")]
    [InlineData("k: ' 5s '", null, "5s")]
    [InlineData("k:", "needs a value", "")]
    [InlineData("k: ~", "needs a value", "")]
    [InlineData("k: [1]", "must be a single value, not a list", "")]
    [InlineData("k: {a: 1}", "must be a single value, not a mapping", "")]
    public void Scalar_GivesTheTextOrWhatIsWrong(string yaml, string? problem, string text)
    {
        var node = YamlInput.Find(Root(yaml), "k")!;

        Assert.Equal((problem, text), (YamlInput.Scalar(node, out var got), got));
    }

    [Fact]
    public void TryLoad_ASyntaxError_IsOneLineWithItsLine_WithoutYamlDotNetsPositionPrefix()
    {
        Assert.False(YamlInput.TryLoad("a: 1\na: 2\n", 4096, out _, out var duplicate));
        Assert.False(YamlInput.TryLoad("a: [\n", 4096, out _, out var unclosed));

        Assert.Equal((2, "not valid YAML: key 'a' is given twice in the same mapping", false), (duplicate.Line, duplicate.Message, duplicate.Refused));
        Assert.Equal(2, unclosed.Line);
        Assert.StartsWith("not valid YAML: ", unclosed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Line:", unclosed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', unclosed.Message);
    }

    [Fact]
    public void TryLoad_OverTheLimits_IsRefused()
    {
        Assert.False(YamlInput.TryLoad(new string('[', 40), 4096, out _, out var deep));
        Assert.False(YamlInput.TryLoad("a: " + new string('x', 5000), 4096, out _, out var large));

        Assert.True(deep.Refused && large.Refused);
    }

    [Fact]
    public void Find_GivesTheValue_AndLineOfItsLine()
    {
        var root = Root("a: 1\nb:\n  c: 2\n");

        Assert.Equal(3, YamlInput.LineOf(YamlInput.Find(root, "b")!)); // the value of b: the mapping on line 3
        Assert.Null(YamlInput.Find(root, "c"));
    }
}
