using FsCheck.Fluent;
using GiantVm.Linux.Deltas;

namespace GiantVm.Linux.Tests.Deltas;

public class TaskDeltasTests
{
    private static PidStat Stat(int pid, ulong start, ulong utime, ulong stime) =>
        new(pid, "t", 'S', 1, 0, utime, stime, 1, start, 0, 0);

    [Fact]
    public void Cores_IsTicksOverHzOverElapsed() =>
        Assert.Equal(0.75, TaskCpu.Cores(Stat(5, 100, 10, 10), Stat(5, 100, 130, 40), 2, 100));

    [Fact]
    public void Cores_OfDifferentProcessInstances_IsRefused() =>
        Assert.Throws<ArgumentException>(() => TaskCpu.Cores(Stat(5, 100, 0, 0), Stat(5, 101, 0, 0), 1, 100));

    [Fact]
    public void Cores_CounterGoingBackwards_IsZero() => Assert.Equal(0, TaskCpu.Cores(500, 400, 1, 100));

    [Fact]
    public void RunDelay_CountsOnlyThreadsThatRan()
    {
        var (ratio, running) = VcpuRunDelay.Compute(
            [
                (new TaskSchedStat(0, 0, 0), new TaskSchedStat(500_000_000, 250_000_000, 5)),  // ran, waited 0.25 s
                (new TaskSchedStat(0, 0, 0), new TaskSchedStat(100, 50_000_000, 1)),           // ran, waited 0.05 s
                (new TaskSchedStat(7, 0, 0), new TaskSchedStat(7, 900_000_000, 0)),           // blocked (remote vCPU): left out
            ],
            1.0);
        Assert.Equal(2, running);
        Assert.Equal(0.15, ratio!.Value, 12);
    }

    [Fact]
    public void RunDelay_WhenNoThreadRan_IsNull() =>
        Assert.Equal((null, 0), VcpuRunDelay.Compute([(new TaskSchedStat(5, 5, 5), new TaskSchedStat(5, 9, 5))], 1.0));

    [Fact]
    public void RunDelay_IsARatio_CountingAtMostTheGivenThreads() =>
        PropertyCheck.For(
            from threads in (from run in Gen.Choose(0, 1_000_000) from delayMs in Gen.Choose(0, 5000) select (run, delayMs)).ArrayOf()
            from ms in Gen.Choose(1, 5000)
            select (threads, ms),
            t =>
            {
                var pairs = t.threads.Select(x => (new TaskSchedStat(0, 0, 0), new TaskSchedStat((ulong)x.run, (ulong)x.delayMs * 1_000_000, 1)));
                var (ratio, running) = VcpuRunDelay.Compute(pairs, t.ms / 1000.0);
                return running == t.threads.Count(x => x.run > 0) && (ratio is null ? running == 0 : ratio >= 0 && ratio <= 1);
            });
}
