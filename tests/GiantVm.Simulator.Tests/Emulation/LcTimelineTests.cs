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
