using GiantVm.Scheduling.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GiantVm.Scheduling.Tests.Yaml;

public sealed class BoundedYamlTests
{
    [Theory]
    [InlineData('[')]
    [InlineData('{')]
    public void Load_100000UnclosedFlowCollections_IsRefusedAtTheSeventeenthLevel(char open)
    {
        var e = Assert.Throws<YamlLimitException>(() => BoundedYaml.Load(HostileYaml.Flow(open, 100_000), int.MaxValue));

        Assert.Equal(2, e.Line);
        Assert.Equal("nesting deeper than 16 levels", e.Message);
    }

    [Fact]
    public void Load_DeepBlockMapping_IsRefusedOnTheFirstLineOfTheSeventeenthLevel()
    {
        var e = Assert.Throws<YamlLimitException>(() => BoundedYaml.Load(HostileYaml.Block(3_000), int.MaxValue));

        // a block mapping starts on the line of its first key: the root (level 1) on line 1,
        // the mapping under "signal:" (level 2) on line 3 with "k1:", level n on line n + 1
        Assert.Equal(18, e.Line);
    }

    [Fact]
    public void Load_DeepBlockSequence_IsRefused()
    {
        var e = Assert.Throws<YamlLimitException>(() => BoundedYaml.Load(HostileYaml.BlockSequence(10_000), int.MaxValue));

        Assert.Equal("nesting deeper than 16 levels", e.Message);
    }

    [Theory]
    [InlineData(15, true)] // root mapping + 15 sequences = 16 levels
    [InlineData(16, false)]
    public void Load_AtTheLimit_ParsesAndOneDeeperIsRefused(int sequences, bool accepted)
    {
        var text = "a: " + new string('[', sequences) + new string(']', sequences);

        if (accepted)
        {
            var stream = BoundedYaml.Load(text, int.MaxValue);
            Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode);
        }
        else
        {
            Assert.Throws<YamlLimitException>(() => BoundedYaml.Load(text, int.MaxValue));
        }
    }

    [Fact]
    public void Load_ManySiblingCollections_AreNotNesting()
    {
        var text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"k{i}: [[1], {{a: [2]}}]\n"));

        var stream = BoundedYaml.Load(text, int.MaxValue);

        Assert.Equal(2000, ((YamlMappingNode)stream.Documents[0].RootNode).Children.Count);
    }

    [Fact]
    public void Load_TextOverTheByteLimit_IsRefusedWithItsSize()
    {
        var e = Assert.Throws<YamlLimitException>(() => BoundedYaml.Load("a: " + new string('x', 70_000), BoundedYaml.MaxPolicyBytes));

        Assert.Equal(0, e.Line);
        Assert.Equal("is 70,003 bytes, over the 64 KiB limit", e.Message);
    }

    [Fact]
    public void Load_MultiByteCharacters_AreCountedInUtf8Bytes()
    {
        var text = "a: " + new string('é', 30_000); // 60,003 bytes in UTF-8, 30,003 chars

        Assert.Throws<YamlLimitException>(() => BoundedYaml.Load(text, 50_000));
        Assert.NotNull(BoundedYaml.Load(text, 60_003));
    }

    [Fact]
    public void Load_InvalidYaml_StillThrowsTheParsersError()
    {
        var e = Assert.Throws<SemanticErrorException>(() => BoundedYaml.Load("a: 1\na: [", int.MaxValue));

        Assert.IsNotType<YamlLimitException>(e);
    }

    [Fact]
    public void ReadFile_LargerThanTheLimit_IsRefusedWithoutReadingItAll()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, new string('#', 200_000));

            var e = Assert.Throws<YamlLimitException>(() => BoundedYaml.ReadFile(path, BoundedYaml.MaxPolicyBytes));

            Assert.Equal("is 200,000 bytes, over the 64 KiB limit", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadFile_EndlessDevice_IsRefused()
    {
        var e = Assert.Throws<YamlLimitException>(() => BoundedYaml.ReadFile("/dev/zero", BoundedYaml.MaxPolicyBytes));

        Assert.Equal("is over the 64 KiB limit", e.Message);
    }

    [Fact]
    public void ReadFile_AtTheLimit_ReturnsTheTextWithoutItsByteOrderMark()
    {
        var path = Path.GetTempFileName();
        try
        {
            var body = "a: " + new string('x', BoundedYaml.MaxPolicyBytes - 6);
            File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(body)]);

            Assert.Equal(body, BoundedYaml.ReadFile(path, BoundedYaml.MaxPolicyBytes));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
