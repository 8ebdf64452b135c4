using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>Cooldown, return block and minimum size: no task moves back and forth.</summary>
public class AntiFlapTests
{
    private sealed record Move(int Pid, int From, int To, double AtSeconds);

    /// <summary>
    /// LC load alternates between hosts 0 and 1 every <paramref name="phaseSeconds"/>: the hot node
    /// shows steal 0.5, the other 0.02. Rounds every <paramref name="interval"/> s; the tasks follow
    /// the decisions.
    /// </summary>
    private static List<Move> Alternate(Policy policy, double interval, double phaseSeconds, double totalSeconds, int nodes = 2)
    {
        var placement = Enumerable.Range(1, 4).ToDictionary(pid => pid, _ => 0);
        var state = DecisionState.Empty;
        var moves = new List<Move>();
        for (var t = 0.0; t <= totalSeconds; t += interval)
        {
            var hot = (int)(t / phaseSeconds) % 2;
            var nodeList = Enumerable.Range(0, nodes).Select(id => Node(id, id == hot ? 0.5 : id < 2 ? 0.02 : 0.3)).ToList();
            var snapshot = Snap(t, nodeList, placement.Select(kv => Task(kv.Key, kv.Value)));
            var result = DecisionEngine.Decide(snapshot, policy, state);
            state = result.State;
            foreach (var d in result.Decisions)
            {
                moves.Add(new Move(d.Pid, d.From, d.To, t));
                placement[d.Pid] = d.To;
            }
        }

        return moves;
    }

    [Theory]
    [InlineData(1.0, 60.0)]
    [InlineData(5.0, 60.0)]
    [InlineData(1.0, 20.0)]
    [InlineData(5.0, 300.0)]
    public void Decide_DefaultPolicy_LcLoadAlternatingBetweenTwoNodes_NoTaskReturnsWithinReturnBlock(double interval, double phase)
    {
        var policy = Policy.Default;

        var moves = Alternate(policy, interval, phase, totalSeconds: 3600);

        Assert.NotEmpty(moves);
        foreach (var task in moves.GroupBy(m => m.Pid))
        {
            var list = task.ToList();
            for (var i = 1; i < list.Count; i++)
            {
                Assert.True(list[i].AtSeconds - list[i - 1].AtSeconds >= policy.Cooldown.TotalSeconds, $"task {task.Key} moved twice within the cooldown");
                if (list[i].To == list[i - 1].From)
                {
                    Assert.True(list[i].AtSeconds - list[i - 1].AtSeconds >= policy.ReturnBlock.TotalSeconds, $"task {task.Key} went back within the return block");
                }
            }

            Assert.True(list.Count <= 1 + (3600 / policy.ReturnBlock.TotalSeconds), $"task {task.Key} moved {list.Count} times in an hour");
        }
    }

    [Theory]
    [InlineData(600.0)]
    [InlineData(120.0)]
    public void Decide_ReturnBlockAlone_StopsPingPong(double returnBlockSeconds)
    {
        var policy = Loose() with { EmaAlpha = 1, HotAfter = 1, ReturnBlock = TimeSpan.FromSeconds(returnBlockSeconds) };

        var moves = Alternate(policy, interval: 1, phaseSeconds: 30, totalSeconds: 900);

        // Without the block every task would follow the cool node every 30 s (30 moves each).
        foreach (var task in moves.GroupBy(m => m.Pid))
        {
            var list = task.ToList();
            for (var i = 1; i < list.Count; i++)
            {
                Assert.True(list[i].AtSeconds - list[i - 1].AtSeconds >= returnBlockSeconds);
            }
        }

        Assert.InRange(moves.Count, 4, 4 * (1 + (int)(900 / returnBlockSeconds)));
    }

    [Fact]
    public void Decide_WithoutAntiFlap_TheSameScenarioPingPongs()
    {
        // The control for the test above: proves the scenario does provoke ping-pong.
        var moves = Alternate(Loose() with { EmaAlpha = 1, HotAfter = 1 }, interval: 1, phaseSeconds: 30, totalSeconds: 900);

        Assert.True(moves.Count >= 4 * 25, $"only {moves.Count} moves");
    }

    /// <summary>The node holding the task is hot, the next one (mod 3) cool, the third in between.</summary>
    private static List<NodeSnapshot> Cyclic(int taskNode) =>
        Enumerable.Range(0, 3).Select(id => Node(id, id == taskNode ? 0.5 : id == (taskNode + 1) % 3 ? 0.0 : 0.3)).ToList();

    [Theory]
    [InlineData(1.0, 60)]
    [InlineData(300.0, 300)]
    [InlineData(300.0, 600)]
    public void Decide_Cooldown_IsMeasuredOnTheSnapshotClock(double interval, int cooldownSeconds)
    {
        // Wherever the task is, its node is hot and another is cool: only the cooldown holds it.
        var policy = Loose() with { EmaAlpha = 1, HotAfter = 1, Cooldown = TimeSpan.FromSeconds(cooldownSeconds) };
        var state = DecisionState.Empty;
        var node = 0;
        var moveTimes = new List<double>();
        for (var r = 0; r < 200 && moveTimes.Count < 2; r++)
        {
            var t = r * interval;
            var snapshot = Snap(t, Cyclic(node), [Task(1, node)]);
            var result = DecisionEngine.Decide(snapshot, policy, state);
            state = result.State;
            foreach (var d in result.Decisions)
            {
                moveTimes.Add(t);
                node = d.To;
            }
        }

        Assert.Equal(2, moveTimes.Count);
        Assert.Equal(Math.Max(interval, Math.Ceiling(cooldownSeconds / interval) * interval), moveTimes[1] - moveTimes[0]);
    }

    [Fact]
    public void Decide_SnapshotsWithoutTime_AdvanceByThePolicyInterval()
    {
        var policy = Loose() with { EmaAlpha = 1, HotAfter = 1, Interval = TimeSpan.FromSeconds(10), Cooldown = TimeSpan.FromSeconds(30) };
        var state = DecisionState.Empty;
        var node = 0;
        var moveRounds = new List<int>();
        for (var r = 0; r < 10; r++)
        {
            var snapshot = new Snapshot(null, Cyclic(node), [Task(1, node)]);
            var result = DecisionEngine.Decide(snapshot, policy, state);
            state = result.State;
            foreach (var d in result.Decisions)
            {
                moveRounds.Add(r);
                node = d.To;
            }
        }

        Assert.Equal([0, 3], moveRounds.Take(2));
    }

    [Theory]
    [InlineData(100, 1.0, 0, 0.0, true)]
    [InlineData(100, 1.0, 200, 0.0, false)]   // RSS below min_rss
    [InlineData(300, 1.0, 200, 0.0, true)]
    [InlineData(100, 0.01, 0, 0.05, false)]   // CPU below min_cpu_cores
    [InlineData(100, 0.05, 0, 0.05, true)]
    [InlineData(null, null, 200, 0.5, true)]  // unknown size passes every size check
    [InlineData(null, 0.01, 200, 0.05, false)]
    public void Decide_MinimumTaskSize(int? rssMiB, double? cpu, int minRssMiB, double minCpu, bool moved)
    {
        var snapshot = Snap(0, [Node(0, 0.6), Node(1, 0.0)], [Task(1, 0, cpu: cpu, rss: rssMiB * MiB)]);
        var policy = Loose() with { MinRssBytes = minRssMiB * MiB, MinCpuCores = minCpu };

        Assert.Equal(moved, Now(snapshot, policy).Decisions.Count == 1);
    }

    [Fact]
    public void WithMove_RecordingADecidedMoveAgain_ChangesNothing()
    {
        var snapshot = Snap(0, [Node(0, 0.6), Node(1, 0.0)], [Task(1, 0)]);
        var result = Now(snapshot, Loose());
        var d = Assert.Single(result.Decisions);

        var again = result.State.WithMove(d.Pid, d.StartTime, d.From, d.To, snapshot.Time!.Value);

        Assert.Same(result.State, again);
    }

    [Fact]
    public void WithMove_ExecutedMoveFromTheJournal_StartsTheCooldown()
    {
        var policy = Loose() with { Cooldown = TimeSpan.FromMinutes(5) };
        var snapshot = Snap(100, [Node(0, 0.6), Node(1, 0.0)], [Task(1, 0)]);
        var state = DecisionState.Sustained(snapshot, policy).WithMove(1, 10, 1, 0, T0.AddSeconds(0));

        Assert.Empty(DecisionEngine.Decide(snapshot, policy, state).Decisions);
        Assert.Single(DecisionEngine.Decide(snapshot with { Time = T0.AddSeconds(301) }, policy, state).Decisions);
    }

    [Fact]
    public void WithMove_OfAnotherProcessWithTheSamePid_DoesNotBlockIt()
    {
        var policy = Loose() with { Cooldown = TimeSpan.FromMinutes(5) };
        var snapshot = Snap(100, [Node(0, 0.6), Node(1, 0.0)], [Task(1, 0)]);
        var state = DecisionState.Sustained(snapshot, policy).WithMove(1, startTime: 999, 1, 0, T0);

        Assert.Single(DecisionEngine.Decide(snapshot, policy, state).Decisions);
    }
}
