using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>
/// The shipped defaults over many rounds in a small world: host 0's LC load stays high, so node 0
/// shows steal as long as it holds BE tasks; the other nodes show a little steal per task.
/// </summary>
public class ProductionDefaultsTests
{
    private static double WorldSteal(int node, int tasksThere) =>
        node == 0 ? (tasksThere > 0 ? 0.45 : 0.0) : 0.01 + (0.005 * tasksThere);

    private static (double? EmptyAt, List<Decision> Moves) Run(Policy policy, double interval, int tasks, double seconds)
    {
        var placement = Enumerable.Range(1, tasks).ToDictionary(p => 1000 + p, _ => 0);
        var state = DecisionState.Empty;
        var moves = new List<Decision>();
        double? emptyAt = null;
        for (var t = 0.0; t <= seconds; t += interval)
        {
            var nodes = Enumerable.Range(0, 4).Select(id => Node(id, WorldSteal(id, placement.Values.Count(n => n == id)))).ToList();
            var snapshot = Snap(t, nodes, placement.Select(kv => Task(kv.Key, kv.Value)));
            var result = DecisionEngine.Decide(snapshot, policy, state);
            state = result.State;
            foreach (var d in result.Decisions)
            {
                moves.Add(d);
                placement[d.Pid] = d.To;
            }

            if (emptyAt is null && placement.Values.All(n => n != 0))
            {
                emptyAt = t;
            }
        }

        return (emptyAt, moves);
    }

    [Theory]
    [InlineData("default", 1.0)]
    [InlineData("default", 2.0)]
    [InlineData("default", 5.0)]
    [InlineData("balanced", 5.0)]
    [InlineData("all-be", 5.0)]
    [InlineData("demo", 1.0)]
    public void ShippedPolicy_EmptiesAPersistentlyHotNodeWithinTwoMinutes(string name, double interval)
    {
        var policy = ShippedPolicies.Load(name).Policy!;

        var (emptyAt, moves) = Run(policy, interval, tasks: 10, seconds: 600);

        Assert.NotNull(emptyAt);
        Assert.True(emptyAt <= 120, $"node 0 emptied only after {emptyAt}s");
        Assert.Equal(10, moves.Count);
        Assert.All(moves, d => Assert.Equal(0, d.From));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(5.0)]
    public void DefaultPolicy_DoesNotReactBeforeSeveralIntervals(double interval)
    {
        var (_, moves) = Run(Policy.Default, interval, tasks: 10, seconds: 600);
        var firstRound = Run(Policy.Default, interval, tasks: 10, seconds: 5 * interval).Moves;

        Assert.NotEmpty(moves);
        Assert.Empty(firstRound);
    }

    [Fact]
    public void DefaultPolicy_AtSimulatorRounds_ReactsWithinTheHysteresis()
    {
        // 300 s rounds (the simulator): the same policy; reaction takes hot_after rounds of the snapshot clock.
        var (emptyAt, moves) = Run(Policy.Default, 300, tasks: 10, seconds: 300 * 20);

        Assert.NotNull(emptyAt);
        Assert.InRange(emptyAt!.Value / 300, Policy.Default.HotAfter, Policy.Default.HotAfter + 8);
        Assert.Equal(10, moves.Count);
    }
}
