using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>
/// Rounds in which the planner can do nothing (no hot node; least-tasks already even) skip
/// building the round: they must still give exactly what a planned round gives (no decisions, no
/// notes, the advanced state, the same node views), and the cases that only look quiet (a cap
/// already reached) must still say so.
/// </summary>
public class QuietRoundTests
{
    public static TheoryData<PolicyMode> AllModes => [PolicyMode.None, PolicyMode.AllBe, PolicyMode.Balanced, PolicyMode.LeastTasks, PolicyMode.Random];

    [Theory]
    [MemberData(nameof(AllModes))]
    public void Decide_QuietRound_AdvancesTheStateAndShowsTheViews(PolicyMode mode)
    {
        var policy = Loose(mode);
        var first = Snap(0, [Node(0, 0.02), Node(1, 0.3), Node(2, 0.0)], [Task(1, 0), Task(2, 1), Task(3, 2)]);

        var result = DecisionEngine.Decide(first, policy, DecisionState.Empty);

        Assert.Empty(result.Decisions);
        Assert.Empty(result.Notes);
        Assert.Equal(1, result.State.Round);
        Assert.Equal(T0, result.State.Time);
        Assert.Equal([0.02, 0.3, 0.0], result.State.Nodes.Values.Select(s => s.Smoothed));
        Assert.Null(result.State.RandomState);
        Assert.Equal([0, 1, 2], result.Nodes.Select(n => n.Id));
        Assert.Equal([0.02, 0.3, 0.0], result.Nodes.Select(n => n.SmoothedStealRatio));
        Assert.Equal("warming 1/8 rounds above steal_high", result.Nodes[1].Note);
        Assert.All(result.Nodes, n => Assert.True(n.Eligible));
    }

    [Fact]
    public void Decide_LeastTasksEvenButMinuteCapReached_NotesTheCap()
    {
        var policy = Loose(PolicyMode.LeastTasks) with { MaxPerMinute = 1 };
        var state = DecisionState.Empty.WithMove(9, 90, 0, 1, T0.AddSeconds(-10));
        var snapshot = Snap(0, [Node(0, 0.0), Node(1, 0.0)], [Task(1, 0), Task(2, 1)]);

        var result = DecisionEngine.Decide(snapshot, policy, state);

        Assert.Empty(result.Decisions);
        Assert.Contains("cap migrate.max_per_minute (1) reached (1 moves in the last minute)", result.Notes);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 2 }, "")]
    [InlineData(new[] { 0, 0, 1, 1 }, "1:0->2")]
    [InlineData(new[] { 0, 0, 7, 7 }, "1:0->1")]
    public void Decide_LeastTasks_MovesOnlyWhenSomeNodeHasTwoMoreThanAnother(int[] nodes, string moves)
    {
        // Node 7 is not in the snapshot: its tasks count for no node.
        var snapshot = Snap(0, [Node(0, 0.0), Node(1, 0.0), Node(2, 0.0)], nodes.Select((n, i) => Task(i + 1, n)));

        var result = DecisionEngine.Decide(snapshot, Loose(PolicyMode.LeastTasks), DecisionState.Empty);

        Assert.Equal(moves, Moves(result));
    }

    [Theory]
    [InlineData(PolicyMode.AllBe)]
    [InlineData(PolicyMode.Balanced)]
    [InlineData(PolicyMode.Random)]
    public void Decide_HotNodeAfterQuietRounds_IsStillActedOn(PolicyMode mode)
    {
        var policy = Loose(mode) with { HotAfter = 2, EmaAlpha = 1 };
        var state = DecisionState.Empty;
        var moved = new List<string>();
        var node = 0;
        for (var round = 0; round < 4; round++)
        {
            var steal = round == 0 ? 0.0 : 0.9;
            var snapshot = Snap(round * 5, [Node(0, steal), Node(1, 0.0)], [Task(1, node)]);
            var result = DecisionEngine.Decide(snapshot, policy, state);
            state = result.State;
            moved.Add(Moves(result));
            node = result.Decisions.Count > 0 ? result.Decisions[0].To : node;
        }

        // Quiet, above once, hot on the second round above: the task moves then (and is gone).
        Assert.Equal(["", "", "1:0->1", ""], moved);
    }

    [Fact]
    public void Decide_ManyNodes_LeastTasksCountsEachNodeOnce()
    {
        var nodes = Enumerable.Range(0, 40).Select(i => Node(i, 0.0)).Append(Node(3, 0.5)).ToList();
        var tasks = Enumerable.Range(0, 40).Select(i => Task(i + 1, i)).Append(Task(100, 3)).ToList();

        var even = DecisionEngine.Decide(new Snapshot(T0, nodes, tasks), Loose(PolicyMode.LeastTasks), DecisionState.Empty);
        var uneven = DecisionEngine.Decide(new Snapshot(T0, nodes, tasks.Append(Task(101, 3)).ToList()), Loose(PolicyMode.LeastTasks), DecisionState.Empty);

        Assert.Empty(even.Decisions);
        Assert.Single(uneven.Decisions);
        Assert.Equal(3, uneven.Decisions[0].From);
    }
}
