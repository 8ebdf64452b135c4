using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Scheduling.Tests.Engine.Scenario;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>
/// <c>migrate.min_gain_cores</c> (the gain-ranked planning of <c>balanced</c> with <c>lc_harm</c>),
/// <c>signal.lc_share</c>, <c>signal.lc_ema_alpha</c> and the host's LC demand
/// (<c>hostLcDemandCores</c>) in the decision core. All hosts have 1 core unless said otherwise.
/// </summary>
public class GainPlannerTests
{
    private static NodeSnapshot Host(int id, double lc, double capacity = 1.0, double steal = 0, long? free = 8 * GiB) =>
        Node(id, steal, free: free) with { HostLcBusyCores = lc, HostCapacityCores = capacity };

    private static Policy Gain(double minGain, double lcShare = 0) =>
        Loose() with
        {
            LcHarm = true, EmaAlpha = 1, HotAfter = 1, CoolAfter = 1, StealHigh = 0.02, StealLow = 0.01, MinImprovement = 0.01,
            MinGainCores = minGain, LcShare = lcShare,
        };

    [Theory]
    // LC, BE demand, capacity, LC share -> LC harm in cores: min(LC + BE - C, LC - share x C), at least 0
    [InlineData(0.9, 0.6, 1.0, 0.0, 0.5)]
    [InlineData(0.9, 0.6, 1.0, 0.5, 0.4)]   // CFS keeps LC at 0.5: of the 0.5 overload LC loses 0.4
    [InlineData(0.4, 0.9, 1.0, 0.5, 0.0)]   // LC under its share: the overload is the guest's steal
    [InlineData(0.7, 0.1, 1.0, 0.5, 0.0)]   // no overload
    [InlineData(3.0, 2.0, 4.0, 0.5, 1.0)]
    public void HarmCores_IsOverloadLimitedByTheLcShare(double lc, double be, double capacity, double share, double harm) =>
        Assert.Equal(harm, LoadModel.HarmCores(Host(0, lc, capacity), be, share), 12);

    [Fact]
    public void LoadModel_UsesTheHostsLcDemandWhenReported_ElseLcBusy()
    {
        // squeezed LC reads 0.5 busy (what CFS left it) but asked for 0.9
        var squeezed = Host(0, 0.5) with { HostLcDemandCores = 0.9 };
        var oldAgent = Host(0, 0.5);

        Assert.Equal(0.5, LoadModel.Overload(squeezed, 0.6), 12);
        Assert.Equal(0.1, LoadModel.Overload(oldAgent, 0.6), 12);
    }

    [Fact]
    public void Decide_WithLcDemand_SeesTheHarmThatLcBusyHides()
    {
        // LC busy 0.5 + BE 0.5 = exactly the capacity: no overload by usage, steal 0. LC demand 0.9
        // shows the 0.4 core LC waited for; only then does the task move.
        var policy = Gain(0.05);
        var task = Task(7, 0, cpu: 0.5);
        var byUsage = Snap(0, [Host(0, 0.5), Host(1, 0.1)], [task]);
        var byDemand = Snap(0, [Host(0, 0.5) with { HostLcDemandCores = 0.9 }, Host(1, 0.1)], [task]);

        Assert.Equal("", Moves(Now(byUsage, policy)));
        Assert.Equal("7:0->1", Moves(Now(byDemand, policy)));
    }

    [Fact]
    public void Decide_TakesTheMoveThatRemovesTheMostHarm_NotTheLargestTask()
    {
        // overload 0.3 (LC 0.8 + BE 0.5 on 1 core): the 0.3 task removes all of it, the 0.15 task half;
        // the 0.05 one too little. One move is enough: after it nothing is left to remove.
        var policy = Gain(0.05);
        var snapshot = Snap(0, [Host(0, 0.8), Host(1, 0.1)], [Task(7, 0, cpu: 0.3), Task(8, 0, cpu: 0.15), Task(9, 0, cpu: 0.05)]);

        var result = Now(snapshot, policy);

        Assert.Equal("7:0->1", Moves(result));
        Assert.Contains("removes 0.300 cores of LC harm", result.Decisions[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AmongTasksRemovingTheSameHarm_MovesTheOneWithLessMemory()
    {
        var policy = Gain(0.05) with { MaxPerRound = 1 };
        var snapshot = Snap(0, [Host(0, 0.9), Host(1, 0.1)], [Task(7, 0, cpu: 0.4, rss: 2 * GiB), Task(8, 0, cpu: 0.4, rss: 200 * MiB)]);

        Assert.Equal("8:0->1", Moves(Now(snapshot, policy)));
    }

    [Theory]
    [InlineData(0.05, "7:0->1")]
    [InlineData(0.2, "")]   // the whole overload is 0.1 core: no move can remove 0.2
    public void Decide_AMoveMustRemoveAtLeastMinGainCores(double minGain, string moves)
    {
        var snapshot = Snap(0, [Host(0, 0.8), Host(1, 0.1)], [Task(7, 0, cpu: 0.3)]);

        Assert.Equal(moves, Moves(Now(snapshot, Gain(minGain))));
    }

    [Fact]
    public void Decide_DoesNotShiftHarmToATargetThatWouldBeHarmedAsMuch()
    {
        // node 1's LC 0.7 + 0.4 would be overloaded by 0.1: a 0.4 - 0.1 = 0.3 gain; node 2 (LC 0.9), by
        // 0.3: a 0.1 gain. The move goes to node 1, the larger gain, though both have room for the task's memory.
        var policy = Gain(0.05);
        var snapshot = Snap(0, [Host(0, 1.0), Host(1, 0.7), Host(2, 0.9)], [Task(7, 0, cpu: 0.4)]);

        var result = Now(snapshot, policy);

        Assert.Equal("7:0->1", Moves(result));
        Assert.Contains("removes 0.300 cores", result.Decisions[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WithAnLcShare_LeavesOverloadThatIsOnlyGuestSteal()
    {
        // LC 0.3 of 1 core (under its 0.5 share) + 1.0 of BE: overloaded by 0.3, but CFS keeps LC whole;
        // the overload is the guest's steal. With lc_share 0.5 there is no LC harm to remove.
        var snapshot = Snap(0, [Host(0, 0.3), Host(1, 0.1)], [Task(7, 0, cpu: 1.0)]);

        Assert.Equal("7:0->1", Moves(Now(snapshot, Gain(0.05, lcShare: 0))));
        Assert.Equal("", Moves(Now(snapshot, Gain(0.05, lcShare: 0.5))));
    }

    [Fact]
    public void Decide_WithLcEmaAlpha_OneNoisyLcReadingDoesNotPayForAMove()
    {
        // LC 0.5 for two rounds, then one reading of 0.75: with BE 0.4 the host is overloaded by 0.15
        // by that reading alone. Smoothed with weight 0.2, LC is 0.55 and the harm 0.05 < min_gain 0.1.
        var smoothed = Gain(0.1) with { LcEmaAlpha = 0.2 };
        var latest = Gain(0.1);
        var tasks = new[] { Task(7, 0, cpu: 0.4) };

        string Third(Policy policy)
        {
            var state = DecisionState.Empty;
            foreach (var (t, lc) in new[] { (0, 0.5), (5, 0.5) })
            {
                state = DecisionEngine.Decide(Snap(t, [Host(0, lc), Host(1, 0.1)], tasks), policy, state).State;
            }

            var third = DecisionEngine.Decide(Snap(10, [Host(0, 0.75), Host(1, 0.1)], tasks), policy, state);
            Assert.Equal(policy.LcEmaAlpha < 1 ? 0.55 : 0.75, third.State.Nodes[0].SmoothedLc!.Value, 12);
            return Moves(third);
        }

        Assert.Equal("7:0->1", Third(latest));
        Assert.Equal("", Third(smoothed));
    }

    [Fact]
    public void Decide_WithMinGainCores_RespectsMemoryAndTheCaps()
    {
        var policy = Gain(0.05) with { MaxPerRound = 1 };
        // node 1 lacks the memory for the 2 GiB task; node 2 has it. One move per round.
        var snapshot = Snap(0, [Host(0, 1.0), Host(1, 0.0, free: 1 * GiB), Host(2, 0.2)],
            [Task(7, 0, cpu: 0.5, rss: 2 * GiB), Task(8, 0, cpu: 0.4, rss: 2 * GiB)]);

        var result = Now(snapshot, policy);

        Assert.Equal("7:0->2", Moves(result));
    }

    [Theory]
    [InlineData("migrate:\n  min_gain_cores: -0.1\n", "migrate.min_gain_cores")]
    [InlineData("signal:\n  lc_share: 1\n", "signal.lc_share")]
    [InlineData("signal:\n  lc_share: -0.5\n", "signal.lc_share")]
    [InlineData("signal:\n  lc_ema_alpha: 0\n", "signal.lc_ema_alpha")]
    [InlineData("signal:\n  lc_ema_alpha: 1.5\n", "signal.lc_ema_alpha")]
    public void PolicyFile_OutOfRangeValues_AreRefusedNamingTheKey(string yaml, string key)
    {
        var loaded = PolicyLoader.Load(yaml, "p.yaml");

        Assert.False(loaded.Ok);
        Assert.Contains(loaded.Errors, e => e.ToString().Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void PolicyFile_ReadsTheNewKeys_AndTheDefaultsKeepTheOldPlanning()
    {
        var loaded = PolicyLoader.Load("signal:\n  lc_share: 0.5\n  lc_ema_alpha: 0.2\nmigrate:\n  min_gain_cores: 0.05\n", "p.yaml");

        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        Assert.Equal((0.5, 0.2, 0.05), (loaded.Policy!.LcShare, loaded.Policy.LcEmaAlpha, loaded.Policy.MinGainCores));
        Assert.Equal((0.0, 1.0, 0.0), (Policy.Default.LcShare, Policy.Default.LcEmaAlpha, Policy.Default.MinGainCores));
    }
}
