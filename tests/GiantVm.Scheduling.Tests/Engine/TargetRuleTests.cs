using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>Which nodes may receive a task: fresh, not drained, not excluded, with the memory.</summary>
public class TargetRuleTests
{
    public static TheoryData<PolicyMode> MovingModes => [PolicyMode.AllBe, PolicyMode.Balanced, PolicyMode.LeastTasks, PolicyMode.Random];

    /// <summary>Node 0 hot with four tasks, node 1 the most attractive target, node 2 a fair one.</summary>
    private static Snapshot WithNode1(NodeSnapshot node1) =>
        Snap(0, [Node(0, 0.6), node1, Node(2, 0.05)], [Task(1, 0), Task(2, 0), Task(3, 0), Task(4, 0)]);

    [Theory]
    [MemberData(nameof(MovingModes))]
    public void Decide_StaleNode_IsNeverATarget(PolicyMode mode)
    {
        var result = Now(WithNode1(Node(1, 0.0, age: 16)), Loose(mode));

        Assert.NotEmpty(result.Decisions);
        Assert.All(result.Decisions, d => Assert.Equal(2, d.To));
    }

    [Theory]
    [InlineData(15.0, true)]
    [InlineData(15.001, false)]
    [InlineData(3600.0, false)]
    [InlineData(null, true)]
    public void Decide_ReportAge_DecidesWhetherANodeMayBeATarget(double? age, bool target)
    {
        var result = Now(WithNode1(Node(1, 0.0, age: age)), Loose());

        Assert.Equal(target, result.Decisions.Any(d => d.To == 1));
        Assert.Equal(target, result.Nodes.Single(n => n.Id == 1).Eligible);
    }

    [Theory]
    [MemberData(nameof(MovingModes))]
    public void Decide_StaleHotNode_IsNeverActedOn(PolicyMode mode)
    {
        var snapshot = Snap(0, [Node(0, 0.6, age: 60), Node(1, 0.0), Node(2, 0.0)], [Task(1, 0), Task(2, 0), Task(3, 0)]);

        Assert.Empty(Now(snapshot, Loose(mode)).Decisions);
    }

    [Theory]
    [MemberData(nameof(MovingModes))]
    public void Decide_DrainedNode_IsNeverATarget(PolicyMode mode)
    {
        var result = Now(WithNode1(Node(1, 0.0, drained: true)), Loose(mode));

        Assert.NotEmpty(result.Decisions);
        Assert.All(result.Decisions, d => Assert.Equal(2, d.To));
        Assert.Equal("drained", result.Nodes.Single(n => n.Id == 1).Note);
    }

    [Theory]
    [MemberData(nameof(MovingModes))]
    public void Decide_ExcludedNode_IsNeverATarget(PolicyMode mode)
    {
        var result = Now(WithNode1(Node(1, 0.0)), Loose(mode) with { ExcludedNodes = [1] });

        Assert.NotEmpty(result.Decisions);
        Assert.All(result.Decisions, d => Assert.Equal(2, d.To));
    }

    [Theory]
    [MemberData(nameof(MovingModes))]
    public void Decide_WhenEveryOtherNodeIsIneligible_MovesNothing(PolicyMode mode)
    {
        var snapshot = Snap(0, [Node(0, 0.6), Node(1, 0.0, drained: true), Node(2, 0.0, age: 100)], [Task(1, 0), Task(2, 0), Task(3, 0)]);

        var result = Now(snapshot, Loose(mode));

        Assert.Empty(result.Decisions);
    }

    // Tasks of 100 MiB need 110 MiB with the default 10 % headroom.
    [Theory]
    [InlineData(50, "1:0->2 2:0->2 3:0->2 4:0->2")]   // no room on node 1 at all
    [InlineData(110, "1:0->1 2:0->2 3:0->2 4:0->2")]  // exactly one task fits
    [InlineData(250, "1:0->1 2:0->1 3:0->2 4:0->2")]  // two fit, counting the first move
    [InlineData(1000, "1:0->1 2:0->1 3:0->1 4:0->1")] // all fit
    public void Decide_TargetMemory_CountsMovesPlannedThisRound(long freeMiB, string expected)
    {
        var result = Now(WithNode1(Node(1, 0.0, free: freeMiB * MiB)), Loose(PolicyMode.AllBe));

        Assert.Equal(expected, Moves(result));
    }

    [Theory]
    [InlineData(0.0, "1:0->1 2:0->1")]
    [InlineData(0.5, "1:0->1 2:0->2")]
    public void Decide_MemoryHeadroom_IsAddedToTheTaskRss(double headroom, string expected)
    {
        var snapshot = Snap(0, [Node(0, 0.6), Node(1, 0.0, free: 200 * MiB), Node(2, 0.05)], [Task(1, 0), Task(2, 0)]);

        Assert.Equal(expected, Moves(Now(snapshot, Loose(PolicyMode.AllBe) with { MemoryHeadroom = headroom })));
    }

    [Theory]
    [MemberData(nameof(MovingModes))]
    public void Decide_OmittedOptionalValues_NeverBlockAMove(PolicyMode mode)
    {
        var snapshot = new Snapshot(null,
            [new NodeSnapshot(0, 0.6), new NodeSnapshot(1, 0.0)],
            [new TaskSnapshot(1, 0), new TaskSnapshot(2, 0), new TaskSnapshot(3, 0)]);

        var result = Now(snapshot, Policy.Default with { Mode = mode });

        Assert.NotEmpty(result.Decisions);
        Assert.All(result.Decisions, d => Assert.Equal((0, 1), (d.From, d.To)));
    }
}
