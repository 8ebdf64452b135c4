using System.Text.Json;
using GiantVm.Simulator.Output;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Tests;

/// <summary>The oracle row and the avoidable-loss shares on hand-computed tiny traces (steps are [600+300k, 900+300k) s).</summary>
public sealed class DecisionQualityTests
{
    private static readonly SimulationOptions Options = new() { MemoryUnitBytes = 1000 };

    /// <summary>
    /// Two machines of 1 core in one instance; LC 0.9 and a BE task of 0.6 on machine 10 for two
    /// steps. Doing nothing: LC gets its share 0.5 (loses 0.4 x 300 = 120 CPU-s per step), the
    /// guest gets 0.5 of 0.6 (steals 0.1 x 300 = 30). The oracle puts 0.1 on machine 10 and 0.5 on
    /// machine 11: nothing lost. A policy that moves the task after the first step removes half.
    /// </summary>
    private static TinyTrace HotHost(double coolMemory = 1.0) => new TinyTrace()
        .Machine(10).Machine(11, memory: coolMemory).Task(1, 0, 3).Task(2, 0, 0)
        .Usage(600, 1200, 1, 0, 10, cpu: 0.9, memory: 0)
        .Usage(600, 1200, 2, 0, 10, cpu: 0.6, memory: 0.1);

    [Fact]
    public void Oracle_RemovesAllAvoidableLoss_AndAMoveAfterOneStepRemovesHalf()
    {
        using TinyTrace t = HotHost();
        var mover = new ScriptedPolicy("mover", (_, s) => [ScriptedPolicy.Move((int)s.Tasks[0].Pid, 0, 1)]);
        var run = SimRun.Of(t.Write(), Options, new ScriptedPolicy("none"), mover, new OraclePolicy());

        PolicySummary none = run.Policy("none");
        PolicySummary moved = run.Policy("mover");
        PolicySummary oracle = run.Policy("oracle");
        Assert.Equal(240, none.LcCpuSecondsLost, 6);
        Assert.Equal(60, none.StealCpuSeconds, 6);
        Assert.Equal(120, moved.LcCpuSecondsLost, 6);
        Assert.Equal(0, oracle.LcCpuSecondsLost, 9);
        Assert.Equal(0, oracle.StealCpuSeconds, 9);
        Assert.Equal(0, oracle.Migrations);
        Assert.Equal(0.0, none.AvoidableLcLossRemoved!.Value, 9);
        Assert.Equal(0.5, moved.AvoidableLcLossRemoved!.Value, 9);
        Assert.Equal(0.5, moved.AvoidableStealRemoved!.Value, 9);
        Assert.Equal(1.0, oracle.AvoidableLcLossRemoved!.Value, 9);
    }

    [Fact]
    public void Oracle_RespectsTheTargetsMemory()
    {
        // Machine 11 has 0.05 of memory: 0.05 of the task's 0.1 fits, so at most 0.3 of its 0.6
        // CPU; 0.3 stays on machine 10 whose LC then loses 0.9 + 0.3 - 1 = 0.2 (60 CPU-s a step).
        using TinyTrace t = HotHost(coolMemory: 0.05);
        var run = SimRun.Of(t.Write(), Options, new ScriptedPolicy("none"), new OraclePolicy());

        Assert.Equal(120, run.Policy("oracle").LcCpuSecondsLost, 6);
        Assert.Equal(240, run.Policy("none").LcCpuSecondsLost, 6);
    }

    [Fact]
    public void Summary_WhenNothingIsAvoidable_WritesNullShares()
    {
        using var t = new TinyTrace().Machine(10).Machine(11).Task(1, 0, 3).Task(2, 0, 0)
            .Usage(600, 900, 1, 0, 10, cpu: 0.3)
            .Usage(600, 900, 2, 0, 10, cpu: 0.3);
        var run = SimRun.Of(t.Write(), Options, new ScriptedPolicy("none"), new OraclePolicy());
        using var stream = new MemoryStream();
        SummaryJsonWriter.Write(stream, run.Result);

        using JsonDocument doc = JsonDocument.Parse(stream.ToArray());
        JsonElement first = doc.RootElement.GetProperty("policies")[0];
        Assert.Equal(JsonValueKind.Null, first.GetProperty("avoidableLcLossRemoved").ValueKind);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("avoidableStealRemoved").ValueKind);
        Assert.Equal(0, doc.RootElement.GetProperty("noneLcLoss").GetProperty("avoidableCpuSeconds").GetDouble());
    }

    [Theory]
    // none, policy, oracle -> share (null: nothing avoidable)
    [InlineData(100.0, 100.0, 20.0, 0.0)]
    [InlineData(100.0, 60.0, 20.0, 0.5)]
    [InlineData(100.0, 20.0, 20.0, 1.0)]
    [InlineData(100.0, 120.0, 20.0, -0.25)]
    [InlineData(50.0, 40.0, 50.0, null)]
    [InlineData(0.0, 0.0, 0.0, null)]
    public void Removed_IsTheShareOfTheGapBetweenNoneAndTheOracle(double none, double policy, double oracle, double? share)
    {
        double? removed = DecisionQuality.Removed(none, policy, oracle);

        if (share is null)
        {
            Assert.Null(removed);
        }
        else
        {
            Assert.Equal(share.Value, removed!.Value, 12);
        }
    }

    [Fact]
    public void WithGaps_WithoutAnOracleRow_LeavesTheSharesNull()
    {
        PolicySummary none = new("none", 0, 0, 1, 100, 0, 0, 0, 0, 0, 0);
        PolicySummary other = new("x", 0, 0, 1, 50, 0, 0, 0, 0, 0, 0);

        Assert.All(DecisionQuality.WithGaps([none, other]), p => Assert.Null(p.AvoidableLcLossRemoved));
    }
}
