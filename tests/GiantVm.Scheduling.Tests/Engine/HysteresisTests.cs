using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>Smoothing and hysteresis: moves need a sustained signal.</summary>
public class HysteresisTests
{
    /// <summary>Runs rounds every <paramref name="interval"/> s with node 0's steal from <paramref name="steal0"/>;
    /// returns the 1-based rounds in which something was decided.</summary>
    private static List<int> RoundsWithMoves(Policy policy, int rounds, double interval, Func<int, double> steal0)
    {
        var state = DecisionState.Empty;
        var moved = new List<int>();
        for (var r = 1; r <= rounds; r++)
        {
            var snapshot = Snap(r * interval, [Node(0, steal0(r)), Node(1, 0.01), Node(2, 0.02)], [Task(1, 0), Task(2, 0), Task(3, 0)]);
            var result = DecisionEngine.Decide(snapshot, policy, state);
            state = result.State;
            if (result.Decisions.Count > 0)
            {
                moved.Add(r);
            }
        }

        return moved;
    }

    [Theory]
    [InlineData(1, 1.0, 1)]
    [InlineData(1, 1.0, 5)]
    [InlineData(2, 1.0, 1)]
    [InlineData(3, 1.0, 1)]
    [InlineData(3, 0.5, 5)]
    [InlineData(3, 1.0, 5)]
    public void Decide_DefaultPolicy_ASpikeOfAFewReadingsNeverMoves(int spikeReadings, double spike, double interval)
    {
        var moved = RoundsWithMoves(Policy.Default, 40, interval, r => r is >= 10 && r < 10 + spikeReadings ? spike : 0.01);

        Assert.Empty(moved);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void Decide_WithoutSmoothing_FirstMoveComesInRoundHotAfter(int hotAfter)
    {
        var policy = Loose() with { EmaAlpha = 1, HotAfter = hotAfter };

        var moved = RoundsWithMoves(policy, 20, 1, _ => 0.5);

        Assert.Equal(hotAfter, moved.First());
    }

    [Fact]
    public void Decide_SustainedSteal_IsSmoothedBeforeItCounts()
    {
        // 0.01 for 5 rounds, then a step to 0.4: the EMA (alpha 0.3) reads 0.127 in round 6 (not above
        // 0.15), 0.209 in round 7; hot after 8 rounds above, so the first move is in round 14.
        var moved = RoundsWithMoves(Loose() with { HotAfter = 8 }, 30, 1, r => r <= 5 ? 0.01 : 0.4);

        Assert.Equal(14, moved.First());
    }

    [Theory]
    [InlineData(0.10, 3, true)]   // in the band between steal_low and steal_high: stays hot
    [InlineData(0.01, 2, true)]   // below steal_low for fewer than cool_after rounds: still hot
    [InlineData(0.01, 3, false)]  // below steal_low for cool_after rounds: cool
    public void NodeSignal_HotNode_CoolsOnlyAfterCoolAfterRoundsBelowStealLow(double reading, int rounds, bool hot)
    {
        var policy = Policy.Default with { EmaAlpha = 1, HotAfter = 1, CoolAfter = 3 };
        var signal = NodeSignal.Next(null, 0.5, policy);
        Assert.True(signal.Hot);

        for (var i = 0; i < rounds; i++)
        {
            signal = NodeSignal.Next(signal, reading, policy);
        }

        Assert.Equal(hot, signal.Hot);
    }

    [Fact]
    public void NodeSignal_ReadingBetweenThresholds_ResetsTheHotCount()
    {
        var policy = Policy.Default with { EmaAlpha = 1, HotAfter = 3 };
        var signal = NodeSignal.Next(null, 0.5, policy);
        signal = NodeSignal.Next(signal, 0.5, policy);
        signal = NodeSignal.Next(signal, 0.1, policy);
        signal = NodeSignal.Next(signal, 0.5, policy);
        signal = NodeSignal.Next(signal, 0.5, policy);

        Assert.False(signal.Hot);
        Assert.True(NodeSignal.Next(signal, 0.5, policy).Hot);
    }

    [Fact]
    public void Decide_StaleReading_DoesNotAdvanceTheSignal()
    {
        var policy = Loose() with { EmaAlpha = 1, HotAfter = 2 };
        var state = DecisionEngine.Decide(Snap(0, [Node(0, 0.5)], []), policy, DecisionState.Empty).State;

        state = DecisionEngine.Decide(Snap(1, [Node(0, 0.9, age: 60)], []), policy, state).State;

        Assert.Equal(new NodeSignal(0.5, 1, 0, false), state.Nodes[0]);
    }

    [Fact]
    public void Sustained_TakesTheSnapshotAsAlreadySmoothedAndHot()
    {
        var snapshot = Snap(0, [Node(0, 0.5), Node(1, 0.1), Node(2, 0.01)], []);

        var result = Now(snapshot, Policy.Default);

        Assert.Equal([true, false, false], result.Nodes.Select(n => n.Hot));
        Assert.Equal([0.5, 0.1, 0.01], result.Nodes.Select(n => n.SmoothedStealRatio));
    }
}
