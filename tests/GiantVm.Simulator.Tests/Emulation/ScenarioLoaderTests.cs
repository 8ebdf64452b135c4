using GiantVm.Simulator.Emulation;

namespace GiantVm.Simulator.Tests.Emulation;

public sealed class ScenarioLoaderTests
{
    private const string Valid = """
        name: t
        step: 100ms
        nodes:
          - { cpus: 4, memory: 4GiB, lc: 20% }
          - cpus: 2
            vcpus: 4
            memory: 1GiB
            lc: 0.5
            guest_system: 0.2
        be_tasks:
          - { comm: job, count: 3, cpu: 0.5, rss: 64MiB, node: 1, threads: 2 }
        lc_timeline:
          - { at: 20s, node: 1, to: 95%, over: 5s }
          - { at: 2s, node: 0, to: 0.5 }
        """;

    [Fact]
    public void Load_ValidScenario_ReadsEveryField()
    {
        var s = ScenarioLoader.Load(Valid, "t.yaml");

        Assert.Equal("t", s.Name);
        Assert.Equal(0.1, s.StepSeconds, 9);
        Assert.Equal(2, s.Nodes.Count);
        Assert.Equal(new ScenarioNode(2, 4, 1L << 30, 0.5, 0.2), s.Nodes[1]);
        Assert.Equal(new ScenarioTaskGroup("job", 3, 0.5, 64L << 20, 1, 2), s.Tasks[0]);
        Assert.Equal([2.0, 20.0], s.LcTimeline.Select(c => c.AtSeconds));
        Assert.Equal(0.95, s.LcTimeline[1].To, 9);
        Assert.Null(s.DurationSeconds);
    }

    [Fact]
    public void Load_ShippedDemoScenario_IsValid()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "../../../../../coordinator/GiantVm.Simulator/scenarios/demo-4node.yaml");
        var s = ScenarioLoader.LoadFile(path);

        Assert.Equal(4, s.Nodes.Count);
        Assert.Equal(4, s.Tasks.Sum(t => t.Count));
    }

    [Theory]
    [InlineData("nodes:\n  - { cpus: 4 }\n", "t.yaml:2: nodes[0].memory is required")]
    [InlineData("nodes:\n  - { cpus: 4, memory: 4GiB, lx: 1 }\n", "t.yaml:2: nodes[0].lx is not a known key")]
    [InlineData("nodes:\n  - { cpus: 4, memory: lots }\n", "t.yaml:2: nodes[0].memory must be a size such as 256MiB or 4GiB (got 'lots')")]
    [InlineData("step: 5\nnodes:\n  - { cpus: 4, memory: 4GiB }\n", "t.yaml:1: step must be between 0.01s and 1s (got 5)")]
    [InlineData("nodes:\n  - { cpus: 4, memory: 4GiB }\nbe_tasks:\n  - { cpu: 1, rss: 1MiB, node: 3 }\n", "t.yaml:4: be_tasks[0].node must name one of the 1 nodes (0-0) (got 3)")]
    [InlineData("nodes:\n  - { cpus: 4, memory: 4GiB }\nlc_timeline:\n  - { at: soon, node: 0, to: 50% }\n", "t.yaml:4: lc_timeline[0].at must be a duration such as 500ms, 20s, 2m (got 'soon')")]
    [InlineData("nodes: []\n", "t.yaml:1: nodes must not be empty")]
    [InlineData("nodes: [\n", "t.yaml:2: not valid YAML")]
    [InlineData("- 1\n", "t.yaml:1: a scenario is a mapping with at least 'nodes:'")]
    public void Load_BadScenario_NamesFileLineAndKey(string yaml, string expected)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "t.yaml"));

        Assert.StartsWith(expected, e.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OverlappingRampsOnOneNode_AreRejected()
    {
        const string yaml = "nodes:\n  - { cpus: 4, memory: 4GiB }\nlc_timeline:\n  - { at: 10s, node: 0, to: 90%, over: 10s }\n  - { at: 15s, node: 0, to: 10% }\n";

        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "t.yaml"));

        Assert.Contains("t.yaml:5: lc_timeline: node 0 changes at 15s while its ramp from line 4 runs until 20s", e.Errors);
    }

    [Fact]
    public void Load_SeveralProblems_ReportsEveryOne()
    {
        const string yaml = "nodes:\n  - { cpus: 0, memory: 4GiB }\n  - { cpus: 4, memory: 1KiB }\n";

        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "t.yaml"));

        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void LoadFile_MissingFile_SaysSo()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile("/nonexistent/x.yaml"));

        Assert.Equal("/nonexistent/x.yaml: cannot read scenario: no such file", e.Errors[0]);
    }

    // Issue 16: nesting that would overflow YamlDotNet's recursive tree builder is one error.
    [Theory]
    [InlineData('[')]
    [InlineData('{')]
    public void Load_100000NestedFlowCollections_IsOneErrorWithTheLine(char open)
    {
        var yaml = "name: x\nnodes: " + new string(open, 100_000) + "\n";

        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "deep.yaml"));

        Assert.Equal(["deep.yaml:2: nesting deeper than 16 levels"], e.Errors);
    }

    [Fact]
    public void Load_DeepBlockMapping_IsOneErrorWithTheLine()
    {
        var yaml = new System.Text.StringBuilder("nodes:\n");
        for (var i = 1; i < 200; i++)
        {
            yaml.Append(' ', 2 * i).Append('k').Append(i).Append(":\n");
        }

        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml.ToString(), "deep.yaml"));

        Assert.Equal(["deep.yaml:17: nesting deeper than 16 levels"], e.Errors);
    }

    [Fact]
    public void LoadFile_LargerThanOneMebibyte_IsRefusedBeforeParsing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"giantvm-big-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(path, "name: x\n" + new string('#', 2 << 20));

            var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile(path));

            Assert.Equal([$"{path}: is 2,097,160 bytes, over the 1 MiB limit"], e.Errors);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
