using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>
/// <c>migrate.age_credit</c>: the decision core remembers when it first saw each task
/// (<see cref="DecisionState.Sightings"/>) and credits a move's LC-harm gain with the task's observed
/// age, gain x (1 + age / age_credit), before ranking it and comparing it with <c>min_gain_cores</c>.
/// Hosts have 1 core; LC share 0 (every core of overload is LC harm).
/// </summary>
public class AgeCreditTests
{
    private static NodeSnapshot Host(int id, double lc) =>
        Node(id, 0) with { HostLcBusyCores = lc, HostCapacityCores = 1.0 };

    private static Policy Gain(double minGain, TimeSpan credit) =>
        Loose() with
        {
            LcHarm = true, EmaAlpha = 1, HotAfter = 1, CoolAfter = 1, StealHigh = 0.02, StealLow = 0.01, MinImprovement = 0.01,
            MinGainCores = minGain, AgeCredit = credit,
        };

    /// <summary>
    /// Round 1 (t = 0): task 7 (0.06 cores) alone, LC 0.5: no overload, no move. Round 2 (t = 3600 s):
    /// task 8 (0.08 cores) has arrived and LC is 0.95: overload 0.95 + 0.14 - 1 = 0.09 core. Moving 7
    /// removes 0.06, moving 8 removes 0.08 (its whole size; the target, LC 0.1, has room).
    /// </summary>
    private static DecideResult SecondRound(Policy policy)
    {
        var first = DecisionEngine.Decide(Snap(0, [Host(0, 0.5), Host(1, 0.1)], [Task(7, 0, cpu: 0.06)]), policy, DecisionState.Empty);
        Assert.Empty(first.Decisions);
        return DecisionEngine.Decide(
            Snap(3600, [Host(0, 0.95), Host(1, 0.1)], [Task(7, 0, cpu: 0.06), Task(8, 0, cpu: 0.08)]), policy, first.State);
    }

    [Fact]
    public void Decide_WithoutAgeCredit_MovesTheTaskRemovingTheMostHarmNow()
    {
        // 0.08 > 0.06: task 8; after it the overload left is 0.01 < 0.05, so task 7 stays.
        Assert.Equal("8:0->1", Moves(SecondRound(Gain(0.05, TimeSpan.Zero))));
    }

    [Fact]
    public void Decide_WithAgeCredit_PrefersTheTaskThatHasRunLonger()
    {
        // age_credit 30 min: task 7, seen for 60 min, counts 0.06 x (1 + 60/30) = 0.18; task 8, new, 0.08.
        // Task 7 moves; the overload left, 0.03, credits task 8 with 0.03 < 0.05: it stays.
        var result = SecondRound(Gain(0.05, TimeSpan.FromMinutes(30)));

        Assert.Equal("7:0->1", Moves(result));
        Assert.Contains("removes 0.060 cores of LC harm, x 3.000 for its age (seen for 1h, age_credit 30m) = 0.180", result.Decisions[0].Reason, StringComparison.Ordinal);
    }

    [Theory]
    // the credited gain must reach min_gain_cores: 0.18 passes 0.1 and 0.17, not 0.2; without the
    // credit neither task's gain (0.06, 0.08) reaches 0.1
    [InlineData(0.1, 30, "7:0->1")]
    [InlineData(0.17, 30, "7:0->1")]
    [InlineData(0.2, 30, "")]
    [InlineData(0.1, 0, "")]
    // a longer age_credit credits less: 60 min -> 0.06 x 2 = 0.12 >= 0.1; 120 min -> 0.06 x 1.5 = 0.09
    [InlineData(0.1, 60, "7:0->1")]
    [InlineData(0.1, 120, "")]
    public void Decide_TheCreditedGainMustReachMinGainCores(double minGain, int creditMinutes, string moves)
    {
        Assert.Equal(moves, Moves(SecondRound(Gain(minGain, TimeSpan.FromMinutes(creditMinutes)))));
    }

    [Fact]
    public void Sightings_KeepTheFirstSighting_ForgetTasksThatLeft_AndRestartAReusedPid()
    {
        var policy = Gain(1, TimeSpan.FromMinutes(30));
        var nodes = new[] { Host(0, 0.1), Host(1, 0.1) };
        var s1 = DecisionEngine.Decide(Snap(0, nodes, [Task(7, 0), Task(8, 1)]), policy, DecisionState.Empty).State;
        var s2 = DecisionEngine.Decide(Snap(300, nodes, [Task(7, 1), Task(9, 0)]), policy, s1).State;
        var reused = Task(8, 0) with { StartTime = 999 };
        var s3 = DecisionEngine.Decide(Snap(600, nodes, [Task(7, 1), reused]), policy, s2).State;

        var now = T0.AddSeconds(600);
        // 7 seen since t = 0 (a move between nodes does not reset it); 8 left at t = 300 and pid 8 came
        // back at t = 600 as another process; 9 left.
        Assert.Equal(TimeSpan.FromSeconds(600), s3.AgeOf(7, 70, now));
        Assert.Equal(TimeSpan.Zero, s3.AgeOf(8, 999, now));
        Assert.Equal(T0.AddSeconds(600), s3.Sightings[8].Since);
        Assert.False(s3.Sightings.ContainsKey(9));
        Assert.Equal(TimeSpan.FromSeconds(300), s2.AgeOf(7, 70, T0.AddSeconds(300)));
        Assert.Equal(TimeSpan.Zero, s2.AgeOf(7, 71, T0.AddSeconds(300)));
    }

    [Fact]
    public void Sightings_AreNotKeptWithoutAgeCredit()
    {
        var state = DecisionEngine.Decide(Snap(0, [Host(0, 0.1)], [Task(7, 0)]), Gain(0.05, TimeSpan.Zero), DecisionState.Empty).State;

        Assert.Empty(state.Sightings);
    }

    [Fact]
    public void PolicyFile_ReadsAgeCredit_DefaultOff()
    {
        var loaded = PolicyLoader.Load("migrate:\n  min_gain_cores: 0.08\n  age_credit: 90m\n", "p.yaml");

        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        Assert.Equal(TimeSpan.FromMinutes(90), loaded.Policy!.AgeCredit);
        Assert.Equal(TimeSpan.Zero, Policy.Default.AgeCredit);
    }

    [Theory]
    [InlineData("migrate:\n  age_credit: -5m\n")]
    [InlineData("migrate:\n  age_credit: soon\n")]
    public void PolicyFile_BadAgeCredit_IsRefusedNamingTheKey(string yaml)
    {
        var loaded = PolicyLoader.Load(yaml, "p.yaml");

        Assert.False(loaded.Ok);
        Assert.Contains(loaded.Errors, e => e.ToString().Contains("migrate.age_credit", StringComparison.Ordinal));
    }
}
