using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Tests;

/// <summary>--migrate-bandwidth: a moved task makes no progress while its memory crosses (steps are [600+300k, 900+300k) s).</summary>
public sealed class MigrationCostTests
{
    [Theory]
    // bytes, bytes/s -> pause seconds
    [InlineData(2L << 30, 1L << 30, 2.0)]
    [InlineData(100L, 10.0, 10.0)]
    [InlineData(100L, 0.0, 0.0)]
    [InlineData(0L, 10.0, 0.0)]
    public void PauseSeconds_IsBytesOverBandwidth_AndZeroWhenFree(long bytes, double bandwidth, double pause)
    {
        Assert.Equal(pause, MigrationCost.PauseSeconds(bytes, bandwidth), 12);
    }

    [Theory]
    // resume at, step start -> paused seconds of a 300 s step
    [InlineData(910.0, 900.0, 10.0)]
    [InlineData(1300.0, 900.0, 300.0)]
    [InlineData(1300.0, 1200.0, 100.0)]
    [InlineData(800.0, 900.0, 0.0)]
    public void PausedIn_IsThePartOfTheStepBeforeTheTaskResumes(double resumeAt, double stepStart, double paused)
    {
        Assert.Equal(paused, MigrationCost.PausedIn(resumeAt, stepStart, 300), 12);
    }

    [Fact]
    public void ResumeAt_AMoveWhilePausedQueuesBehindTheFirst()
    {
        Assert.Equal(920, MigrationCost.ResumeAt(910, 900, 10), 12);
        Assert.Equal(910, MigrationCost.ResumeAt(0, 900, 10), 12);
        Assert.Equal(0, MigrationCost.ResumeAt(0, 900, 0), 12);
    }

    /// <summary>
    /// A BE task of 0.6 CPU and 100 bytes (0.1 x 1000) on a host whose LC takes 0.9, moved to the
    /// idle machine after the first of three steps. Step 0: the guest gets its share 0.5 (150
    /// CPU-s). At 10 B/s the task is paused 10 s of step 1: 0.6 x 10 = 6 CPU-s lost, 0.58 x 300 =
    /// 174 served; step 2: 180. At 0.25 B/s it is paused 400 s: all of step 1 (180 lost) and 100 s
    /// of step 2 (60 lost, 0.4 x 300 = 120 served). Free moves lose nothing.
    /// </summary>
    [Theory]
    [InlineData(10.0, 6.0, 504.0)]
    [InlineData(0.25, 240.0, 270.0)]
    [InlineData(0.0, 0.0, 510.0)]
    public void Run_AMovedTaskLosesItsCpuWhileItsMemoryCrosses(double bandwidth, double lost, double served)
    {
        using var t = new TinyTrace().Machine(10).Machine(11).Task(1, 0, 3).Task(2, 0, 0)
            .Usage(600, 1500, 1, 0, 10, cpu: 0.9, memory: 0)
            .Usage(600, 1500, 2, 0, 10, cpu: 0.6, memory: 0.1);
        var mover = new ScriptedPolicy("mover", (_, s) => [ScriptedPolicy.Move((int)s.Tasks[0].Pid, 0, 1)]);

        var run = SimRun.Of(t.Write(), new SimulationOptions { MemoryUnitBytes = 1000, MigrateBandwidth = bandwidth }, mover);

        PolicySummary p = run.Policy("mover");
        Assert.Equal(1, p.Migrations);
        Assert.Equal(100, p.BytesMoved);
        Assert.Equal(lost, p.BeCpuSecondsLostToMigration, 9);
        Assert.Equal(served, p.BeCpuSecondsServed, 9);
    }
}
