using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>Caps per round, per node per round and per minute, in every moving mode.</summary>
public class CapTests
{
    private static readonly IEnumerable<GiantVm.Scheduling.Model.TaskSnapshot> TenTasksOnNode0 =
        Enumerable.Range(1, 10).Select(pid => Task(pid, 0));

    [Theory]
    [InlineData(PolicyMode.AllBe, 1)]
    [InlineData(PolicyMode.AllBe, 3)]
    [InlineData(PolicyMode.Balanced, 1)]
    [InlineData(PolicyMode.Balanced, 3)]
    [InlineData(PolicyMode.LeastTasks, 2)]
    [InlineData(PolicyMode.Random, 3)]
    public void Decide_MaxPerRound_IsNeverExceeded(PolicyMode mode, int cap)
    {
        var snapshot = Snap(0, [Node(0, 0.9), Node(1, 0.0), Node(2, 0.0), Node(3, 0.0)], TenTasksOnNode0);

        var result = Now(snapshot, Loose(mode) with { MaxPerRound = cap });

        Assert.Equal(cap, result.Decisions.Count);
        Assert.Contains($"cap migrate.max_per_round ({cap}) reached", result.Notes);
    }

    [Theory]
    [InlineData(PolicyMode.AllBe, 1)]
    [InlineData(PolicyMode.AllBe, 2)]
    [InlineData(PolicyMode.Balanced, 2)]
    [InlineData(PolicyMode.LeastTasks, 2)]
    [InlineData(PolicyMode.Random, 1)]
    public void Decide_MaxPerNodePerRound_LimitsMovesOutOfAndIntoEachNode(PolicyMode mode, int cap)
    {
        // Two hot nodes with five tasks each, one cool node: in and out caps both bite.
        var snapshot = Snap(0,
            [Node(0, 0.9), Node(1, 0.8), Node(2, 0.0), Node(3, 0.01)],
            Enumerable.Range(1, 5).Select(p => Task(p, 0)).Concat(Enumerable.Range(6, 5).Select(p => Task(p, 1))));

        var result = Now(snapshot, Loose(mode) with { MaxPerNodePerRound = cap });

        Assert.NotEmpty(result.Decisions);
        Assert.All(result.Decisions.GroupBy(d => d.From), g => Assert.True(g.Count() <= cap));
        Assert.All(result.Decisions.GroupBy(d => d.To), g => Assert.True(g.Count() <= cap));
    }

    [Theory]
    [InlineData(PolicyMode.AllBe, 1.0, 3)]
    [InlineData(PolicyMode.Balanced, 5.0, 4)]
    [InlineData(PolicyMode.Random, 20.0, 2)]
    public void Decide_MaxPerMinute_HoldsInEverySixtySecondWindow(PolicyMode mode, double interval, int cap)
    {
        var policy = Loose(mode) with { MaxPerMinute = cap, EmaAlpha = 1, HotAfter = 1 };
        var placement = Enumerable.Range(1, 40).ToDictionary(p => p, _ => 0);
        var state = DecisionState.Empty;
        var times = new List<double>();
        for (var t = 0.0; t < 600; t += interval)
        {
            var result = DecisionEngine.Decide(Snap(t, [Node(0, 0.9), Node(1, 0.0), Node(2, 0.0)], placement.Select(kv => Task(kv.Key, kv.Value))), policy, state);
            state = result.State;
            foreach (var d in result.Decisions)
            {
                times.Add(t);
                placement[d.Pid] = d.To;
            }
        }

        Assert.True(times.Count >= cap * 5, $"only {times.Count} moves in 10 minutes");
        foreach (var start in times)
        {
            Assert.True(times.Count(x => x >= start && x < start + 60) <= cap, $"more than {cap} moves in the minute from {start}s");
        }
    }
}
