using GiantVm.Scheduling.Model;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Tests;

/// <summary>Hand-computed tiny traces pinning the model rules of issue 9 (steps are [600+300k, 900+300k) s).</summary>
public sealed class ClusterModelTests
{
    // Free moves: these cases pin placement and sharing; MigrationCostTests pins the cost of a move.
    private static readonly SimulationOptions Options = new() { MemoryUnitBytes = 1000, MigrateBandwidth = 0 };

    [Fact]
    public void Run_WeightsCpuByTheOverlappedFractionOfEachStep()
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 2)
            .Usage(700, 1000, 1, 0, 10, cpu: 0.6); // 200 s of step 0, 100 s of step 1
        var run = SimRun.Of(t.Write(), Options, new ScriptedPolicy("p"));

        Assert.Equal(2, run.Result.Steps);
        List<StepRecord> steps = run.StepsOf("p");
        Assert.Equal([600L, 900L], steps.Select(s => s.TimeSeconds));
        Assert.Equal(0.4, steps[0].Utilization, 12);
        Assert.Equal(0.2, steps[1].Utilization, 12);
    }

    [Fact]
    public void Run_TaskMemoryIsItsLargestInTheStep_AndNodeFreeMemorySubtractsLcAndBe()
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 0).Task(2, 0, 2)
            .Usage(600, 750, 1, 0, 10, cpu: 0.2, memory: 0.1)
            .Usage(750, 900, 1, 0, 10, cpu: 0.4, memory: 0.3)
            .Usage(600, 900, 2, 0, 10, cpu: 0.1, memory: 0.2);
        var policy = new ScriptedPolicy("p");
        SimRun.Of(t.Write(), Options, policy);

        Snapshot s = Assert.Single(policy.Of(0));
        TaskSnapshot task = Assert.Single(s.Tasks);
        Assert.Equal(300, task.RssBytes);
        Assert.Equal(0.3, task.CpuCores!.Value, 12); // 0.2 x 0.5 + 0.4 x 0.5
        Assert.Equal(1000, s.Nodes[0].MemTotalBytes);
        Assert.Equal(500, s.Nodes[0].MemFreeBytes); // 1 - 0.3 (BE) - 0.2 (LC)
        Assert.Equal(0.1, s.Nodes[0].HostLcBusyCores!.Value, 12);
    }

    [Fact]
    public void Run_ClassIsTheLastTaskEventRow_AndTasksWithoutEventsAreBe()
    {
        using var t = new TinyTrace().Machine(10)
            .Task(1, 0, 0, time: 0).Task(1, 0, 3, time: 100)   // last row class 3: LC
            .Task(2, 0, 3, time: 0).Task(2, 0, 1, time: 100)   // last row class 1: BE
            .Usage(600, 900, 1, 0, 10, cpu: 0.1)
            .Usage(600, 900, 2, 0, 10, cpu: 0.2)
            .Usage(600, 900, 3, 0, 10, cpu: 0.3);              // no task_events row: BE
        var policy = new ScriptedPolicy("p");
        var run = SimRun.Of(t.Write(), Options, policy);

        Snapshot s = Assert.Single(policy.Of(0));
        Assert.Equal([2_000_000UL, 3_000_000UL], s.Tasks.Select(x => x.StartTime!.Value).Order());
        Assert.Equal(0.1, s.Nodes[0].HostLcBusyCores!.Value, 12);
        Assert.Equal(1, run.Result.Anomalies.NoTaskEvent);
    }

    [Fact]
    public void Run_LcClassesOptionChoosesWhichClassesStayOnTheHost()
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 0).Task(2, 0, 3)
            .Usage(600, 900, 1, 0, 10, cpu: 0.1)
            .Usage(600, 900, 2, 0, 10, cpu: 0.2);
        var policy = new ScriptedPolicy("p");
        SimRun.Of(t.Write(), Options with { LcClasses = new HashSet<int> { 0 } }, policy);

        Snapshot s = Assert.Single(policy.Of(0));
        Assert.Equal(2_000_000UL, Assert.Single(s.Tasks).StartTime);
        Assert.Equal(0.1, s.Nodes[0].HostLcBusyCores!.Value, 12);
    }

    [Theory]
    // L, BE demand, wV, vCPU ratio -> utilization, violations, LC CPU-s lost, BE CPU-s served, steal
    [InlineData(0.3, 0.5, 1, 1, 0.8, 0, 0, 150, 0)]        // fits
    [InlineData(0.2, 1.0, 1, 1, 1.0, 0, 0, 240, 0.2)]      // LC under its share, guest gets the rest
    [InlineData(0.9, 0.3, 1, 1, 1.0, 1, 60, 90, 0)]        // guest under its share, LC gets the rest
    [InlineData(0.8, 0.9, 1, 1, 1.0, 1, 90, 150, 0.4)]     // both over: shares 0.5 / 0.5
    [InlineData(0.6, 0.9, 3, 1, 1.0, 1, 105, 225, 0.15)]   // wV = 3: shares 0.25 / 0.75
    [InlineData(0.8, 2.0, 1, 0.5, 1.0, 1, 90, 150, 0)]     // V = 0.5 caps G at 0.5
    [InlineData(0.2, 1.5, 1, 2, 1.0, 0, 0, 240, 0.35)]     // V = 2: steal (1.5 - 0.8) / 2
    public void Run_SharesHostCpuByCfsWeights(
        double lc, double be, double vmWeight, double vcpuRatio,
        double utilization, long violations, double lost, double served, double steal)
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 2).Task(2, 0, 0)
            .Usage(600, 900, 1, 0, 10, cpu: lc)
            .Usage(600, 900, 2, 0, 10, cpu: be);
        var run = SimRun.Of(t.Write(), Options with { VmWeight = vmWeight, VcpuRatio = vcpuRatio }, new ScriptedPolicy("p"));

        PolicySummary p = run.Policy("p");
        Assert.Equal(utilization, p.MeanUtilization, 9);
        Assert.Equal(violations, p.LcViolations);
        Assert.Equal(lost, p.LcCpuSecondsLost, 9);
        Assert.Equal(served, p.BeCpuSecondsServed, 9);
        Assert.Equal(steal, p.MeanSteal, 9);
        Assert.Equal(steal, run.StepsOf("p")[0].MeanSteal, 9);
    }

    [Fact]
    public void Run_StealStatisticsCoverOnlyNodeStepsWithGuestDemand()
    {
        using var t = new TinyTrace().Machine(10).Machine(20).Task(1, 0, 2).Task(2, 0, 0)
            .Usage(600, 1200, 1, 0, 10, cpu: 0.8)
            .Usage(600, 900, 2, 0, 10, cpu: 0.9)   // step 0: steal 0.4
            .Usage(900, 1200, 2, 0, 10, cpu: 0.5); // step 1: G = 0.5 <= sV: steal 0
        var policy = new ScriptedPolicy("p");
        var run = SimRun.Of(t.Write(), Options, policy);

        PolicySummary p = run.Policy("p");
        Assert.Equal(0.2, p.MeanSteal, 9);      // over 2 samples; machine 20 (G = 0) does not count
        Assert.Equal(0.4, p.P95Steal, 5);       // nearest rank of {0, 0.4}
        Assert.Equal(0.4, policy.Of(0)[0].Nodes[0].StealRatio, 12);
        Assert.Equal(0.0, policy.Of(0)[0].Nodes[1].StealRatio, 12);
        Assert.Equal(2, p.LcViolations);        // servedL = 0.5 < 0.8 in both steps
    }

    [Fact]
    public void Run_GiniAndUtilizationCountEveryMachineEveryStep()
    {
        using var t = new TinyTrace().Machine(10).Machine(20).Machine(30).Machine(40).Task(1, 0, 2)
            .Usage(600, 900, 1, 0, 40, cpu: 1.0);
        var run = SimRun.Of(t.Write(), Options, new ScriptedPolicy("p"));

        StepRecord step = Assert.Single(run.StepsOf("p"));
        Assert.Equal(0.75, step.Gini, 12);          // u = {0, 0, 0, 1}
        Assert.Equal(0.25, step.Utilization, 12);   // 1 served / 4 capacity
        Assert.Equal(0.75, run.Policy("p").MeanGini, 12);
    }

    [Fact]
    public void Run_BePlacement_FirstSeenOnTraceMachine_MoveTakesEffectNextStep_CrossGroupIsNotAMigration()
    {
        // Group size 2: instance 0 = machines 10, 20; instance 1 = machines 30, 40.
        using var t = new TinyTrace().Machine(10).Machine(20).Machine(30).Machine(40)
            .Task(1, 0, 2).Task(5, 0, 0)
            .Usage(600, 1800, 1, 0, 20, cpu: 0.8)              // LC on machine 20, steps 0-3
            .Usage(600, 900, 5, 0, 10, cpu: 0.9, memory: 0.05)  // step 0 on 10
            .Usage(900, 1200, 5, 0, 10, cpu: 0.9, memory: 0.05) // step 1: trace still says 10
            .Usage(1200, 1500, 5, 0, 20, cpu: 0.9, memory: 0.05)
            .Usage(1500, 1800, 5, 0, 30, cpu: 0.9, memory: 0.05); // step 3: trace moves it to group 1
        bool moved = false;
        var policy = new ScriptedPolicy("p", (instance, s) =>
        {
            if (instance == 0 && !moved && s.Tasks.Count == 1)
            {
                moved = true;
                return [ScriptedPolicy.Move(s.Tasks[0].Pid, 0, 1)];
            }

            return [];
        });
        var run = SimRun.Of(t.Write(), Options with { GroupSize = 2 }, policy);

        List<Snapshot> g0 = policy.Of(0);
        List<Snapshot> g1 = policy.Of(1);
        Assert.Equal(0, g0[0].Tasks.Single().Node);   // first seen: its trace machine's node
        Assert.Equal(1, g0[1].Tasks.Single().Node);   // where the policy put it, although the trace says 10
        Assert.Equal(1, g0[2].Tasks.Single().Node);
        Assert.Empty(g0[3].Tasks);
        Assert.Equal(0, g1[3].Tasks.Single().Node);   // moved with the trace to machine 30

        List<StepRecord> steps = run.StepsOf("p");
        Assert.Equal(0.0, steps[0].MeanSteal, 12);    // step 0 still runs on 10: no contention
        Assert.Equal(0.4, steps[1].MeanSteal, 12);    // step 1 on 20 beside LC 0.8: shares 0.5 / 0.5
        Assert.Equal([1, 0, 0, 0], steps.Select(s => s.Migrations));
        PolicySummary p = run.Policy("p");
        Assert.Equal(1, p.Migrations);
        Assert.Equal(50, p.BytesMoved);
        Assert.Equal(0.05, p.MemoryMoved, 12);
    }

    [Fact]
    public void Run_DryRunDecisionsDoNotMoveTasks()
    {
        using var t = new TinyTrace().Machine(10).Machine(20).Task(5, 0, 0)
            .Usage(600, 900, 5, 0, 10, cpu: 0.5)
            .Usage(900, 1200, 5, 0, 10, cpu: 0.5);
        var policy = new ScriptedPolicy("p", (_, s) =>
            s.Tasks.Count == 1 ? [ScriptedPolicy.Move(s.Tasks[0].Pid, 0, 1) with { DryRun = true }] : []);
        var run = SimRun.Of(t.Write(), Options, policy);

        Assert.Equal(0, policy.Of(0)[1].Tasks.Single().Node);
        Assert.Equal(0, run.Policy("p").Migrations);
    }

    [Fact]
    public void Run_CountsAndIgnoresAnomalousRows()
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 2)
            .Usage(900, 600, 1, 0, 10, cpu: 0.5)     // end before start
            .Usage(600, 600, 1, 0, 10, cpu: 0.5)     // end == start
            .Usage(600, 900, 1, 0, null, cpu: 0.5)   // no machine id
            .Usage(600, 900, 1, 0, 77, cpu: 0.5)     // not a simulated machine
            .Usage(600, 900, 1, 0, 10, cpu: 0.25)
            .Usage(600, 900, 9, 0, 10, cpu: 0.25)    // no task_events row (BE)
            .Usage(900, 1200, 9, 0, 10, cpu: 0.25);
        var run = SimRun.Of(t.Write(), Options, new ScriptedPolicy("p"));

        AnomalyCounts a = run.Result.Anomalies;
        Assert.Equal(2, a.EndBeforeStart);
        Assert.Equal(1, a.MissingMachine);
        Assert.Equal(1, a.OutsideMachines);
        Assert.Equal(2, a.NoTaskEvent);
        Assert.Equal(7, run.Result.RowsRead);
        Assert.Equal(0.5, run.StepsOf("p")[0].Utilization, 12); // only the two valid rows
    }

    [Fact]
    public void Run_SelectsTheFirstMachineIdsWithAnAdd_CapacityFromTheFirstAdd()
    {
        using var t = new TinyTrace()
            .Machine(30, cpu: 0.5).Machine(20, cpu: null, memory: 0.5).Machine(10, cpu: 0.25)
            .Machine(5, cpu: 1.0, type: 2)                      // UPDATE only: never simulated
            .Machine(10, cpu: 1.0, time: 700)                   // a second ADD: ignored
            .Machine(10, cpu: 0.5, type: 2, time: 800)          // UPDATE: ignored
            .Machine(20, type: 1, time: 800)                    // REMOVE: ignored, still simulated
            .Task(1, 0, 0)
            .Usage(600, 900, 1, 0, 10, cpu: 0.1)
            .Usage(600, 900, 1, 1, 30, cpu: 0.1)                // machine 30 is beyond --machines 2
            .Usage(600, 900, 1, 2, 5, cpu: 0.1)
            .Usage(900, 1200, 1, 0, 20, cpu: 0.1);
        var policy = new ScriptedPolicy("p");
        var run = SimRun.Of(t.Write(), Options with { Machines = 2 }, policy);

        Assert.Equal(2, run.Result.Machines);
        Snapshot s = policy.Of(0)[0];
        Assert.Equal([0.25, 1.0], s.Nodes.Select(n => n.HostCapacityCores!.Value)); // ids 10, 20; missing CPU = 1.0
        Assert.Equal(500, s.Nodes[1].MemTotalBytes);
        Assert.Equal(2, run.Result.Anomalies.OutsideMachines);
        Assert.Equal(2, run.Result.Steps);
    }

    [Fact]
    public void Run_GroupsConsecutiveMachines_LastGroupMayBeSmaller()
    {
        var trace = new TinyTrace();
        foreach (long id in new long[] { 50, 10, 40, 20, 30 })
        {
            trace.Machine(id);
        }

        using TinyTrace t = trace.Task(1, 0, 0).Usage(600, 900, 1, 0, 50, cpu: 0.1);
        var policy = new ScriptedPolicy("p");
        SimRun.Of(t.Write(), Options with { GroupSize = 2 }, policy);

        Assert.Equal([2, 2, 1], Enumerable.Range(0, 3).Select(g => policy.Of(g)[0].Nodes.Count));
        Assert.Equal(0, policy.Of(2)[0].Tasks.Single().Node); // machine 50 is the 5th id: instance 2, node 0
    }

    [Fact]
    public void Run_CoversTheStepsFromFirstToLastUsageRow_OrStartEnd()
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 2)
            .Usage(1200, 1500, 1, 0, 10, cpu: 0.5)
            .Usage(1800, 2100, 1, 0, 10, cpu: 0.5);
        string dir = t.Write();

        var all = SimRun.Of(dir, Options, new ScriptedPolicy("p"));
        Assert.Equal([1200L, 1500L, 1800L], all.StepsOf("p").Select(s => s.TimeSeconds));
        Assert.Equal([0.5, 0.0, 0.5], all.StepsOf("p").Select(s => s.Utilization));

        var bounded = SimRun.Of(dir, Options with { StartSeconds = 600, EndSeconds = 1500 }, new ScriptedPolicy("p"));
        Assert.Equal([600L, 900L, 1200L], bounded.StepsOf("p").Select(s => s.TimeSeconds));
        Assert.Equal([0.0, 0.0, 0.5], bounded.StepsOf("p").Select(s => s.Utilization));
    }

    [Fact]
    public void Run_GzipAndPlainPartsGiveTheSameResult()
    {
        static TinyTrace Build() => new TinyTrace().Machine(10).Machine(20).Task(1, 0, 2).Task(2, 0, 0)
            .Usage(600, 900, 1, 0, 10, cpu: 0.7).Usage(650, 950, 2, 0, 10, cpu: 0.6)
            .Usage(900, 1200, 1, 0, 10, cpu: 0.9).Usage(950, 1250, 2, 0, 20, cpu: 0.6);
        using TinyTrace plain = Build();
        using TinyTrace gz = Build();

        var a = SimRun.Of(plain.Write(gzip: false), Options, new ScriptedPolicy("p"));
        var b = SimRun.Of(gz.Write(gzip: true, usageParts: 3), Options, new ScriptedPolicy("p"));

        Assert.Equal(a.Result.Policies, b.Result.Policies);
        Assert.Equal(a.Steps, b.Steps);
        Assert.Equal(4, b.Result.RowsRead);
    }

    [Fact]
    public void Run_RowsForAStepAlreadyClosedCountAsLate()
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 2)
            .Usage(600, 900, 1, 0, 10, cpu: 0.1)
            .Usage(2400, 2700, 1, 0, 10, cpu: 0.1)  // closes steps up to 1200 (tolerance 2 steps)
            .Usage(600, 900, 1, 0, 10, cpu: 0.1);   // too late for step 0
        var run = SimRun.Of(t.Write(), Options, new ScriptedPolicy("p"));

        Assert.Equal(1, run.Result.Anomalies.LateRows);
        Assert.Equal(0.1, run.StepsOf("p")[0].Utilization, 12);
    }
}
