using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>CheckMove (manual move), Evacuate (drain --evacuate) and Advise (launch).</summary>
public class OperatorTests
{
    private static readonly GiantVm.Scheduling.Model.Snapshot Cluster = Snap(0,
        [Node(0, 0.5), Node(1, 0.0, drained: true), Node(2, 0.0, age: 100), Node(3, 0.1, free: 50 * MiB), Node(4, 0.2)],
        [Task(1, 0), Task(2, 0, cpu: 2), Task(3, 4)]);

    [Theory]
    [InlineData(99, 4, "no BE task with pid 99 in the snapshot")]
    [InlineData(1, 9, "node 9 is not in the snapshot (nodes: 0, 1, 2, 3, 4)")]
    [InlineData(1, 0, "task 1 is already on node 0")]
    [InlineData(1, 1, "node 1 is drained")]
    [InlineData(1, 2, "node 2 is stale (report 100s old > stale_after 15s)")]
    [InlineData(1, 3, "node 3 lacks memory: task 1 needs 110MiB (RSS + 0.100 headroom), 50MiB free")]
    public void CheckMove_RefusesWithAReason(int pid, int to, string refusal)
    {
        var check = DecisionEngine.CheckMove(Cluster, Policy.Default, DecisionState.Empty, pid, to);

        Assert.False(check.Allowed);
        Assert.Null(check.Decision);
        Assert.Equal(refusal, check.Refusal);
    }

    [Fact]
    public void CheckMove_AllowedMove_IgnoresCooldownAndCarriesTheTask()
    {
        var state = DecisionState.Empty.WithMove(1, 10, 4, 0, T0);

        var check = DecisionEngine.CheckMove(Cluster, Policy.Default with { DryRun = true }, state, 1, 4);

        var d = Assert.IsType<GiantVm.Scheduling.Model.Decision>(check.Decision);
        Assert.Equal((1, 10UL, 0, 4, true), (d.Pid, d.StartTime!.Value, d.From, d.To, d.DryRun));
        Assert.StartsWith("manual: operator asked to move task 1 from node 0", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evacuate_MovesEveryTaskIgnoringCapsAndCooldowns()
    {
        var snapshot = Snap(0, [Node(0, 0.0), Node(1, 0.3), Node(2, 0.1)], Enumerable.Range(1, 12).Select(p => Task(p, 0)));
        var policy = Policy.Default with { MaxPerRound = 1, MaxPerNodePerRound = 1, MaxPerMinute = 1 };
        var state = DecisionState.Empty.WithMove(5, 50, 2, 0, T0);

        var result = DecisionEngine.Evacuate(snapshot, policy, state, 0);

        Assert.Equal(12, result.Decisions.Count);
        Assert.All(result.Decisions, d => Assert.Equal((0, 2), (d.From, d.To)));
        Assert.All(result.Decisions, d => Assert.StartsWith("evacuate: node 0 is being drained", d.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Evacuate_RespectsMemoryAndNamesTasksThatFitNowhere()
    {
        var snapshot = Snap(0, [Node(0, 0.0), Node(1, 0.3, free: 250 * MiB), Node(2, 0.1, free: 120 * MiB), Node(3, 0.0, drained: true)],
            Enumerable.Range(1, 4).Select(p => Task(p, 0)));

        var result = DecisionEngine.Evacuate(snapshot, Policy.Default, DecisionState.Empty, 0);

        Assert.Equal("1:0->2 2:0->1 3:0->1", Moves(result));
        Assert.Equal(["task 4 stays on node 0: no eligible target with 110MiB free"], result.Notes);
    }

    [Fact]
    public void Evacuate_UnknownNode_DecidesNothingAndSaysSo()
    {
        var result = DecisionEngine.Evacuate(Cluster, Policy.Default, DecisionState.Empty, 7);

        Assert.Empty(result.Decisions);
        Assert.Equal(["node 7 is not in the snapshot"], result.Notes);
    }

    [Theory]
    [InlineData(null, null, 3)]
    [InlineData(1.0, 40L * 1024 * 1024, 3)]
    [InlineData(1.0, 100L * 1024 * 1024, 4)]
    [InlineData(1.0, 64L * 1024 * 1024 * 1024, null)]
    public void Advise_PicksTheLowestStealNodeWithTheMemory(double? cpu, long? memory, int? expected)
    {
        var advice = DecisionEngine.Advise(Cluster, Policy.Default, DecisionState.Empty, cpu, memory);

        Assert.Equal(expected, advice.NodeId);
        Assert.Equal(5, advice.Nodes.Count);
        if (expected is null)
        {
            Assert.Equal("no node is fresh, undrained, not excluded and has the memory", advice.Reason);
        }
    }
}
