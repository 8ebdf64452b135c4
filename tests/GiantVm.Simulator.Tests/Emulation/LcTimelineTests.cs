using GiantVm.Simulator.Emulation;

namespace GiantVm.Simulator.Tests.Emulation;

public sealed class LcTimelineTests
{
    private static readonly EmulationScenario Scenario = ScenarioLoader.Load("""
        nodes:
          - { cpus: 4, memory: 4GiB, lc: 20% }
          - { cpus: 4, memory: 4GiB, lc: 50% }
        lc_timeline:
          - { at: 10s, node: 0, to: 100%, over: 8s }
          - { at: 30s, node: 0, to: 40% }
        """, "t.yaml");

    [Theory]
    [InlineData(0, 0, 0.2)]
    [InlineData(0, 10, 0.2)]
    [InlineData(0, 14, 0.6)]
    [InlineData(0, 18, 1.0)]
    [InlineData(0, 29.9, 1.0)]
    [InlineData(0, 30, 0.4)]
    [InlineData(1, 14, 0.5)]
    public void LoadAt_StepsAndRamps_InterpolateLinearly(int node, double t, double expected)
    {
        Assert.Equal(expected, LcTimeline.LoadAt(Scenario, node, t), 9);
    }
}

public sealed class InjectedLcTests
{
    private static readonly EmulationScenario Scenario = ScenarioLoader.Load("""
        nodes:
          - { cpus: 4, memory: 4GiB, lc: 20% }
        lc_timeline:
          - { at: 10s, node: 0, to: 100%, over: 8s }
        """, "t.yaml");

    [Fact]
    public void LoadAt_InjectedChangeMidRamp_StartsFromTheLoadAtThatMoment()
    {
        var injected = new[] { new LcChange(14, 0, 0.0, 2, 0) };

        Assert.Equal(0.6, LcTimeline.LoadAt(Scenario, 0, 14, injected), 9);
        Assert.Equal(0.3, LcTimeline.LoadAt(Scenario, 0, 15, injected), 9);
        Assert.Equal(0.0, LcTimeline.LoadAt(Scenario, 0, 30, injected), 9);
    }

    [Fact]
    public void Advance_LcChangeFromTheControlFolder_AppliesFromNowAndIsLogged()
    {
        var s = EmulatorStep.Advance(EmulatorState.Initial(Scenario), Scenario, 1, []).State;

        var r = EmulatorStep.Advance(s, Scenario, 1.05, [], [new LcChange(0, 0, 0.9, 0, 0)]);

        Assert.Equal(0.9, r.State.Figures[0].LcLoad, 9);
        Assert.Equal(["node 0 LC load 20% -> 90% (control/lc)"], r.Events);
    }

    [Theory]
    [InlineData("1", "95%", true, 1, 0.95, 0)]
    [InlineData("0", "0.5 over 2s\n", true, 0, 0.5, 2)]
    [InlineData("x", "95%", false, 0, 0, 0)]
    [InlineData("1", "95% during 2s", false, 0, 0, 0)]
    [InlineData("1", "lots", false, 0, 0, 0)]
    public void TryParseLc_ReadsLoadAndRamp(string name, string text, bool ok, int node, double load, double over)
    {
        Assert.Equal(ok, ControlFiles.TryParseLc(name, text, out var change, out var error));
        if (ok)
        {
            Assert.Equal((node, load, over), (change.Node, change.To, change.OverSeconds));
        }
        else
        {
            Assert.NotEmpty(error);
        }
    }
}
