using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>
/// <c>migrate.persist_age</c>: the LC harm a move sheds at its source is computed on the source's
/// other demand that is likely to stay (each other task's CPU x age / (age + persist_age)), and is at
/// most what the move sheds now. Hosts have 1 core; LC share 0, so harm(x) = max(0, LC + x - 1).
/// </summary>
public class PersistAgeTests
{
    private static NodeSnapshot Host(int id, double lc) =>
        Node(id, 0) with { HostLcBusyCores = lc, HostCapacityCores = 1.0 };

    private static Policy Gain(double minGain, TimeSpan persistAge) =>
        Loose() with
        {
            LcHarm = true, EmaAlpha = 1, HotAfter = 1, CoolAfter = 1, StealHigh = 0.02, StealLow = 0.01, MinImprovement = 0.01,
            MinGainCores = minGain, PersistAge = persistAge,
        };

    /// <summary>
    /// Node 0 holds four tasks since t = 0 (8: 0.1 cores; 10, 11, 12: 0.2 each; 0.7 in all) with LC 0.2:
    /// no overload. At t = 3600 s its LC is 0.5: harm(0.7) = 0.2. Node 1 (LC 0.1, empty) is the target.
    /// </summary>
    private static DecideResult Crowd(Policy policy)
    {
        var tasks = new[] { Task(8, 0, cpu: 0.1), Task(10, 0, cpu: 0.2), Task(11, 0, cpu: 0.2), Task(12, 0, cpu: 0.2) };
        var first = DecisionEngine.Decide(Snap(0, [Host(0, 0.2), Host(1, 0.1)], tasks), policy, DecisionState.Empty);
        Assert.Empty(first.Decisions);
        return DecisionEngine.Decide(Snap(3600, [Host(0, 0.5), Host(1, 0.1)], tasks), policy, first.State);
    }

    [Theory]
    // Off: moving 10 sheds harm(0.7) - harm(0.5) = 0.2 (8 sheds 0.1). With persist_age P every other task
    // is 60 min old, weight w = 60 / (60 + P); moving 10 leaves stay = 0.5 w and sheds
    // min(0.2, harm(0.5 w + 0.2) - harm(0.5 w)) = max(0, 0.5 w - 0.3); moving 8 sheds
    // max(0, 0.6 w - 0.4) - max(0, 0.6 w - 0.5).
    [InlineData(0, 0.19, "10:0->1")]
    // P = 10 min: w = 6/7, 10 sheds 0.1286 (8: 0.1)
    [InlineData(10, 0.12, "10:0->1")]
    [InlineData(10, 0.13, "")]
    // P = 20 min: w = 0.75, 10 sheds 0.075 (8: 0.05)
    [InlineData(20, 0.07, "10:0->1")]
    [InlineData(20, 0.08, "")]
    // P = 60 min: w = 0.5, stay 0.25 or 0.3: nothing sheds anything
    [InlineData(60, 0.001, "")]
    public void Decide_ShedIsCountedOnTheDemandLikelyToStay(int persistMinutes, double minGain, string moves)
    {
        Assert.Equal(moves, Moves(Crowd(Gain(minGain, TimeSpan.FromMinutes(persistMinutes)))));
    }

    /// <summary>
    /// t = 0: node 0 (LC 0.5) holds task 7 (0.1 cores), node 1 (LC 0.5) task 8 (0.1), node 2 (LC 0.1) is empty.
    /// t = 3600 s: node 0's LC is 0.95 (harm 0.05, made by its LC and its one old task); node 1 has received
    /// three new tasks 10, 11, 12 of 0.2 cores (harm 0.5 + 0.7 - 1 = 0.2, made by the new crowd).
    /// </summary>
    private static DecideResult LcOrCrowd(Policy policy)
    {
        var first = DecisionEngine.Decide(
            Snap(0, [Host(0, 0.5), Host(1, 0.5), Host(2, 0.1)], [Task(7, 0, cpu: 0.1), Task(8, 1, cpu: 0.1)]), policy, DecisionState.Empty);
        Assert.Empty(first.Decisions);
        return DecisionEngine.Decide(
            Snap(3600, [Host(0, 0.95), Host(1, 0.5), Host(2, 0.1)],
                [Task(7, 0, cpu: 0.1), Task(8, 1, cpu: 0.1), Task(10, 1, cpu: 0.2), Task(11, 1, cpu: 0.2), Task(12, 1, cpu: 0.2)]),
            policy, first.State);
    }

    [Fact]
    public void Decide_WithoutPersistAge_MovesOffTheCrowdFirst()
    {
        // 10 sheds 0.2 (node 1 then has no harm left); 7 sheds 0.05 >= 0.04.
        Assert.Equal("10:1->2 7:0->2", Moves(LcOrCrowd(Gain(0.04, TimeSpan.Zero))));
    }

    [Fact]
    public void Decide_WithPersistAge_MovesOnlyOffTheHostWhoseHarmWillLast()
    {
        // persist_age 1 h: 7 has no other demand beside it, so it sheds harm(0.1) - harm(0) = 0.05; on node 1
        // the new tasks count 0 and task 8 (60 min) 0.5: 10 sheds harm(0.25) - harm(0.05) = 0, 8 sheds
        // harm(0.1) - harm(0) = 0.
        var result = LcOrCrowd(Gain(0.04, TimeSpan.FromHours(1)));

        Assert.Equal("7:0->2", Moves(result));
        Assert.Contains("removes 0.050 cores of LC harm (shed counted on the source's demand likely to stay, persist_age 1h)", result.Decisions[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Sightings_AreKeptWithPersistAgeAlone()
    {
        var state = DecisionEngine.Decide(Snap(0, [Host(0, 0.1)], [Task(7, 0)]), Gain(0.05, TimeSpan.FromHours(1)), DecisionState.Empty).State;

        Assert.Equal(T0, state.Sightings[7].Since);
    }

    [Fact]
    public void PolicyFile_ReadsPersistAge_DefaultOff()
    {
        var loaded = PolicyLoader.Load("migrate:\n  min_gain_cores: 0.055\n  persist_age: 1h\n", "p.yaml");

        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        Assert.Equal(TimeSpan.FromHours(1), loaded.Policy!.PersistAge);
        Assert.Equal(TimeSpan.Zero, Policy.Default.PersistAge);
    }

    [Theory]
    [InlineData("migrate:\n  persist_age: -5m\n")]
    [InlineData("migrate:\n  persist_age: forever\n")]
    public void PolicyFile_BadPersistAge_IsRefusedNamingTheKey(string yaml)
    {
        var loaded = PolicyLoader.Load(yaml, "p.yaml");

        Assert.False(loaded.Ok);
        Assert.Contains(loaded.Errors, e => e.ToString().Contains("migrate.persist_age", StringComparison.Ordinal));
    }
}
