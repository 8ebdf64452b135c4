using GiantVm.Scheduling.Cluster;
using GiantVm.Simulator.Emulation;

namespace GiantVm.Simulator.Tests.Emulation;

public sealed class EmulatorStepTests
{
    internal static readonly EmulationScenario Demo = ScenarioLoader.Load("""
        migrate_rate: 256MiB
        nodes:
          - { cpus: 4, memory: 4GiB, lc: 85% }
          - { cpus: 4, memory: 4GiB, lc: 20% }
          - { cpus: 4, memory: 4GiB, lc: 10% }
        be_tasks:
          - { comm: be-batch, count: 4, cpu: 0.8, rss: 256MiB, node: 1, threads: 2 }
        lc_timeline:
          - { at: 10s, node: 1, to: 95%, over: 2s }
        """, "demo.yaml");

    private static EmulatorState RunTo(EmulatorState state, double until, double step = 0.05, IReadOnlyList<MoveRequest>? first = null)
    {
        var requests = first ?? [];
        for (var t = state.Time + step; t <= until + 1e-9; t += step)
        {
            state = EmulatorStep.Advance(state, Demo, t, requests).State;
            requests = [];
        }

        return state;
    }

    [Fact]
    public void Advance_BeforeTheSpike_ServesEveryTaskWithoutSteal()
    {
        var s = RunTo(EmulatorState.Initial(Demo), 5);

        Assert.Equal(0, s.Figures[1].StealRatio);
        Assert.All(s.Tasks, t => Assert.Equal(0.8, t.ServedCores, 9));
        Assert.Equal(5 * 0.8, s.Tasks[0].CpuSeconds, 6);
    }

    [Fact]
    public void Advance_AfterTheSpike_StealIsTheClusterModelsSteal()
    {
        var before = RunTo(EmulatorState.Initial(Demo), 13);
        var after = RunTo(before, 14);

        var expected = HostCpuModel.Default.Evaluate(4, 0.95 * 4, 3.2).StealRatio;
        Assert.Equal(expected, after.Figures[1].StealRatio, 9);
        Assert.Equal(0.3, expected, 9);
        var dSteal = after.GuestPerCpu[1].Steal - before.GuestPerCpu[1].Steal;
        var g = after.GuestPerCpu[1];
        var b = before.GuestPerCpu[1];
        var dTotal = (g.User + g.System + g.Idle + g.Steal) - (b.User + b.System + b.Idle + b.Steal);
        Assert.Equal(expected, dSteal / dTotal, 6);
        Assert.Equal(expected, after.BeStealRatio, 9);
        var dDelay = after.Hosts[1].VcpuDelaySeconds - before.Hosts[1].VcpuDelaySeconds;
        Assert.Equal(expected, dDelay / 1.0, 6);
    }

    [Fact]
    public void Advance_LcCgroupAndHostCounters_AddUpToTheServedCpu()
    {
        var before = RunTo(EmulatorState.Initial(Demo), 1);
        var after = RunTo(before, 2);

        var lc = (after.Hosts[0].LcUserSeconds + after.Hosts[0].LcSystemSeconds) - (before.Hosts[0].LcUserSeconds + before.Hosts[0].LcSystemSeconds);
        Assert.Equal(0.85 * 4, lc, 6);
        var cpu = after.Hosts[1].PerCpu;
        var old = before.Hosts[1].PerCpu;
        Assert.Equal(1.0, (cpu.User + cpu.System + cpu.Idle) - (old.User + old.System + old.Idle), 6);
    }

    [Fact]
    public void Advance_MoveRequest_MovesDemandAtOnceAndPagesAtTheRate()
    {
        var s = RunTo(EmulatorState.Initial(Demo), 1);
        var task = s.Tasks[0];
        var request = new MoveRequest("c1", task.Pid, task.StartTicks, 2, []);

        var taken = EmulatorStep.Advance(s, Demo, 1.05, [request]);
        Assert.Equal(2, taken.State.Tasks[0].CpuNode);
        Assert.Empty(taken.Completions);
        Assert.Single(taken.State.Moves);

        // 256 MiB at 256 MiB/s: done about one second later, not before
        var state = taken.State;
        MoveCompletion? done = null;
        for (var t = 1.1; t < 3 && done is null; t += 0.05)
        {
            var r = EmulatorStep.Advance(state, Demo, t, []);
            state = r.State;
            done = r.Completions.SingleOrDefault();
        }

        Assert.NotNull(done);
        Assert.Equal(MoveCompletion.Done, done.Status);
        Assert.InRange(done.FinishedAt - done.AcceptedAt, 0.95, 1.1);
        Assert.Equal(65536, done.PagesMoved);
        Assert.Equal(new Dictionary<int, long> { [2] = 65536 }, done.PagesAfter);
        Assert.Equal("4-7", done.AffinityBefore);
        Assert.Equal("8-11", done.AffinityAfter);
        Assert.Equal(2, state.Tasks[0].PageNode);
        Assert.Equal(1, state.MovesDone);
    }

    [Fact]
    public void Advance_RepeatedCommandId_IsNotRunTwice()
    {
        var s = EmulatorState.Initial(Demo);
        var task = s.Tasks[0];
        var first = EmulatorStep.Advance(s, Demo, 0.05, [new MoveRequest("same", task.Pid, null, 2, [])]).State;
        var second = EmulatorStep.Advance(first, Demo, 0.1, [new MoveRequest("same", task.Pid, null, 0, [])]);

        Assert.Equal(2, second.State.Tasks[0].CpuNode);
        Assert.Empty(second.Completions);
    }

    [Theory]
    [InlineData(99999, null, 2, "vanished", "no such process: pid 99999")]
    [InlineData(4100, 1UL, 2, "vanished", "pid 4100 is a different process")]
    [InlineData(4100, null, 7, "failed", "node 7 does not exist (nodes 0-2)")]
    public void Advance_BadRequest_IsAnsweredAtOnceWithTheReason(int pid, ulong? start, int to, string status, string error)
    {
        var s = EmulatorState.Initial(Demo);

        var r = EmulatorStep.Advance(s, Demo, 0.05, [new MoveRequest("x", pid, start, to, [])]);

        var c = Assert.Single(r.Completions);
        Assert.Equal(status, c.Status);
        Assert.StartsWith(error, c.Error, StringComparison.Ordinal);
        Assert.All(r.State.Tasks, t => Assert.Equal(1, t.CpuNode));
    }

    [Fact]
    public void Advance_SecondMoveOfAMovingTask_IsRefused()
    {
        var s = EmulatorState.Initial(Demo);
        var pid = s.Tasks[0].Pid;
        var r = EmulatorStep.Advance(s, Demo, 0.05, [new MoveRequest("a", pid, null, 2, []), new MoveRequest("b", pid, null, 0, [])]);

        var c = Assert.Single(r.Completions);
        Assert.Equal("b", c.CommandId);
        Assert.Contains("already moving (command a)", c.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Advance_LcChange_IsReportedOnceWhenItStarts()
    {
        var s = RunTo(EmulatorState.Initial(Demo), 9.95);

        var r = EmulatorStep.Advance(s, Demo, 10.0, []);
        var again = EmulatorStep.Advance(r.State, Demo, 10.05, []);

        Assert.Equal(["node 1 LC load 20% -> 95% over 2s"], r.Events);
        Assert.Empty(again.Events);
    }
}
