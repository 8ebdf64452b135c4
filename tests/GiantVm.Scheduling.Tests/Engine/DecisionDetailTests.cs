using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>Dry-run, the predicted signal, and what a decision says about itself.</summary>
public class DecisionDetailTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decide_DryRun_MarksDecisionsAndCountsCapacityAsIfExecuted(bool dryRun)
    {
        // Node 1 has room for two tasks; the third must go to node 2 in both cases.
        var snapshot = Snap(0, [Node(0, 0.6), Node(1, 0.0, free: 250 * MiB), Node(2, 0.05)], [Task(1, 0), Task(2, 0), Task(3, 0)]);

        var result = Now(snapshot, Loose(PolicyMode.AllBe) with { DryRun = dryRun });

        Assert.Equal("1:0->1 2:0->1 3:0->2", Moves(result));
        Assert.All(result.Decisions, d => Assert.Equal(dryRun, d.DryRun));
    }

    [Fact]
    public void Decide_DryRun_DecisionsCountTowardsCooldownAndCaps()
    {
        var policy = Loose() with { DryRun = true, Cooldown = TimeSpan.FromMinutes(5), MaxPerMinute = 3 };
        var snapshot = Snap(0, [Node(0, 0.6), Node(1, 0.0)], Enumerable.Range(1, 5).Select(p => Task(p, 0)));

        var first = Now(snapshot, policy);
        var second = DecisionEngine.Decide(snapshot with { Time = T0.AddSeconds(5) }, policy, first.State);

        Assert.Equal(3, first.Decisions.Count);
        Assert.Empty(second.Decisions);
        Assert.Contains("cap migrate.max_per_minute (3) reached (3 moves in the last minute)", second.Notes);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void Decide_PredictedSignal_AvoidsANodeWhoseLcLoadJustJumped(bool predicted, int expectedTarget)
    {
        // Node 1 shows no steal yet, but its host's LC load now fills it; node 2 shows a little steal and has room.
        NodeSnapshot Host(int id, double steal, double lc) => Node(id, steal) with { HostCapacityCores = 4, HostLcBusyCores = lc };
        var snapshot = Snap(0, [Host(0, 0.6, 4), Host(1, 0.0, 4), Host(2, 0.03, 1)], [Task(1, 0), Task(2, 1)]);

        var result = Now(snapshot, Loose() with { Predicted = predicted });

        Assert.Equal(expectedTarget, Assert.Single(result.Decisions).To);
    }

    [Fact]
    public void Decide_PredictedSignal_IsShownInTheNodeView()
    {
        var snapshot = Snap(0, [Node(0, 0.0) with { HostCapacityCores = 4, HostLcBusyCores = 4 }], [Task(1, 0, cpu: 2)]);

        var view = Now(snapshot, Loose() with { Predicted = true }).Nodes.Single();

        // 2 guest cores + 4 LC cores on 4: 2 x 2/6 stolen over 4 vCPUs.
        Assert.Equal("predicted steal 0.167", view.Note);
    }

    [Fact]
    public void Decide_Reason_CarriesTheFiguresBehindTheMove()
    {
        var snapshot = Snap(0, [Node(0, 0.42), Node(1, 0.03), Node(2, 0.2)], [Task(7, 0)]);

        var d = Assert.Single(Now(snapshot, Loose()).Decisions);

        Assert.Equal((7, 0, 1), (d.Pid, d.From, d.To));
        Assert.Equal(
            "balanced: node 0 hot (smoothed steal 0.420 > steal_high 0.150, expected 0.420 before this move); " +
            "node 1 has the lowest expected steal of the nodes that can take the task: 0.030 -> 0.030 with it; margin 0.390 > min_improvement 0.050; " +
            "memory fits: needs 110MiB of 8GiB free",
            d.Reason);
        Assert.Equal(100 * MiB, d.RssBytes);
        Assert.Equal("be-7", d.Comm);
        Assert.Equal(70UL, d.StartTime);
    }

    [Theory]
    [InlineData(PolicyMode.AllBe, "all-be: node 0 hot (smoothed steal 0.420 > steal_high 0.150); node 1 has the lowest steal of the nodes that can take the task: 0.030; margin 0.390 > min_improvement 0.050; memory: task RSS unknown")]
    [InlineData(PolicyMode.LeastTasks, "least-tasks: node 0 has 3 BE tasks, node 1 has 0 (steal ignored: 0.420 vs 0.030); memory: task RSS unknown")]
    [InlineData(PolicyMode.Random, "random: node 0 hot (smoothed steal 0.420 > steal_high 0.150); node 1 drawn from 1 eligible (its steal 0.030); memory: task RSS unknown")]
    public void Decide_EveryModeExplainsItself(PolicyMode mode, string reason)
    {
        var snapshot = Snap(0, [Node(0, 0.42), Node(1, 0.03)], [Task(7, 0, rss: null), Task(8, 0, rss: null), Task(9, 0, rss: null)]);

        var d = Now(snapshot, Loose(mode) with { MaxPerRound = 1 }).Decisions.Single();

        Assert.Equal(reason, d.Reason);
    }

    [Fact]
    public void Decide_NodeViews_SayWhyANodeIsNotATarget()
    {
        var snapshot = Snap(0, [Node(0, 0.3, age: 30), Node(1, 0.0, drained: true), Node(2, 0.0), Node(3, 0.2)], []);
        var policy = Loose() with { ExcludedNodes = [2] };

        var views = DecisionEngine.Decide(snapshot, policy, DecisionState.Empty).Nodes;

        Assert.Equal(
            [
                new NodeView(0, 0.3, 0.3, false, false, "stale: report 30s old > stale_after 15s"),
                new NodeView(1, 0.0, 0.0, false, false, "drained"),
                new NodeView(2, 0.0, 0.0, false, false, "excluded by policy"),
                new NodeView(3, 0.2, 0.2, false, true, "warming 1/8 rounds above steal_high"),
            ],
            views);
    }
}
