using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary><c>signal.lc_harm</c>: the host side's measure of LC harm as the trigger and the target score.</summary>
public class LcHarmTests
{
    /// <summary>A node as a host agent reports it: guest steal plus the host's LC busy cores and capacity.</summary>
    private static NodeSnapshot Host(int id, double steal, double lcBusy, double capacity = 1.0) =>
        Node(id, steal) with { HostLcBusyCores = lcBusy, HostCapacityCores = capacity };

    [Theory]
    // LC busy, BE demand, capacity -> overload ((LC + BE - C) / C, at least 0)
    [InlineData(0.9, 0.6, 1.0, 0.5)]
    [InlineData(0.2, 0.6, 1.0, 0.0)]
    [InlineData(1.5, 1.0, 2.0, 0.25)]
    [InlineData(0.0, 0.0, 1.0, 0.0)]
    public void Overload_IsDemandAboveCapacityOverCapacity(double lc, double be, double capacity, double overload)
    {
        Assert.Equal(overload, LoadModel.Overload(Host(0, 0, lc, capacity), be), 12);
    }

    [Fact]
    public void Overload_WithoutHostFigures_IsZero()
    {
        Assert.Equal(0, LoadModel.Overload(Node(0, 0.5), 3.0));
    }

    /// <summary>
    /// The host: LC 0.9 of 1 core and 0.6 of guest demand; the guest, at its CFS share, sees
    /// only 0.1 steal (below steal_high 0.15), so a steal-triggered policy never moves, while the host
    /// is 50% overloaded. With lc_harm the task goes to the idle host (overload 0.2 + 0.6 - 1 &lt; 0).
    /// </summary>
    [Theory]
    [InlineData(false, "")]
    [InlineData(true, "7:0->1")]
    public void Decide_GuestSeesLittleStealButTheHostsLcIsHarmed_OnlyLcHarmMoves(bool lcHarm, string moves)
    {
        var policy = Loose() with { LcHarm = lcHarm };
        var snapshot = Snap(0, [Host(0, 0.1, 0.9), Host(1, 0.0, 0.2)], [Task(7, 0, cpu: 0.6)]);

        var result = Now(snapshot, policy);

        Assert.Equal(moves, Moves(result));
    }

    [Fact]
    public void Decide_WithLcHarm_TakesTheTargetThatStaysUnderCapacity()
    {
        // Node 1 has the lower steal but its LC (0.7) would be overloaded by the 0.6 task
        // (overload 0.3); node 2's LC 0.3 takes it with none.
        var policy = Loose() with { LcHarm = true };
        var snapshot = Snap(0, [Host(0, 0.1, 0.9), Host(1, 0.0, 0.7), Host(2, 0.02, 0.3)], [Task(7, 0, cpu: 0.6)]);

        var result = Now(snapshot, policy);

        Assert.Equal("7:0->2", Moves(result));
    }

    [Fact]
    public void Decide_WithLcHarm_AmongTargetsWithRoomTakesTheOneWithTheMostLeft()
    {
        // Nodes 1 and 2 both take the 0.6 task without overload (0.2 + 0.6 and 0.1 + 0.6 < 1);
        // node 2 keeps 0.3 free, node 1 only 0.2: node 2, although node 1 has the lower id.
        var policy = Loose() with { LcHarm = true };
        var snapshot = Snap(0, [Host(0, 0.1, 0.9), Host(1, 0.0, 0.2), Host(2, 0.0, 0.1)], [Task(7, 0, cpu: 0.6)]);

        var result = Now(snapshot, policy);

        Assert.Equal("7:0->2", Moves(result));
    }

    [Fact]
    public void Decide_WithLcHarm_ReadingsGoThroughTheHysteresis()
    {
        // hot_after 2: the first overloaded round moves nothing, the second does.
        var policy = Loose() with { LcHarm = true, HotAfter = 2, EmaAlpha = 1 };
        var nodes = new[] { Host(0, 0.0, 0.9), Host(1, 0.0, 0.1) };
        var first = DecisionEngine.Decide(Snap(0, nodes, [Task(7, 0, cpu: 0.6)]), policy, DecisionState.Empty);
        var second = DecisionEngine.Decide(Snap(5, nodes, [Task(7, 0, cpu: 0.6)]), policy, first.State);

        Assert.Empty(first.Decisions);
        Assert.Equal(0.5, first.State.Nodes[0].Smoothed, 12);
        Assert.Equal("7:0->1", Moves(second));
    }

    [Fact]
    public void PolicyFile_ReadsLcHarm()
    {
        var loaded = PolicyLoader.Load("signal:\n  lc_harm: true\n", "p.yaml");

        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        Assert.True(loaded.Policy!.LcHarm);
        Assert.False(Policy.Default.LcHarm);
    }
}
