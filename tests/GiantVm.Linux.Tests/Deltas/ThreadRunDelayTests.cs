using GiantVm.Linux.Deltas;

namespace GiantVm.Linux.Tests.Deltas;

/// <summary>The LC threads' run delay growth in cores: the part of LC demand CFS did not serve.</summary>
public class ThreadRunDelayTests
{
    private static Dictionary<int, TaskSchedStat> Threads(params (int Tid, ulong Run, ulong Delay)[] threads) =>
        threads.ToDictionary(t => t.Tid, t => new TaskSchedStat(t.Run, t.Delay, 1));

    [Fact]
    public void WaitingCores_SumsTheDelayGrowthOfThreadsInBothSamplesOverElapsed()
    {
        var before = Threads((10, 1_000_000_000, 500_000_000), (11, 0, 0), (12, 5, 5));
        // 10 waited 1.5 s more, 11 waited 0.5 s, 12 vanished, 13 is new (left out)
        var after = Threads((10, 2_000_000_000, 2_000_000_000), (11, 100, 500_000_000), (13, 9, 9_000_000_000));

        Assert.Equal(1.0, ThreadRunDelay.WaitingCores(before, after, 2.0)!.Value, 12);
    }

    [Fact]
    public void WaitingCores_WithNoThreadsNow_IsZero() =>
        Assert.Equal(0.0, ThreadRunDelay.WaitingCores(Threads((10, 1, 1)), Threads(), 1.0));

    [Fact]
    public void WaitingCores_WithNoThreadInBothSamples_IsNull() =>
        Assert.Null(ThreadRunDelay.WaitingCores(Threads((10, 1, 1)), Threads((11, 5, 5)), 1.0));

    [Fact]
    public void WaitingCores_OnAKernelWithoutSchedInfo_IsNull() =>
        Assert.Null(ThreadRunDelay.WaitingCores(Threads((10, 0, 0), (11, 0, 0)), Threads((10, 0, 0), (11, 0, 0)), 1.0));

    [Fact]
    public void WaitingCores_CounterGoingBack_CountsZeroForThatThread() =>
        Assert.Equal(0.25, ThreadRunDelay.WaitingCores(
            Threads((10, 9, 900_000_000), (11, 1, 0)),
            Threads((10, 10, 100), (11, 2, 250_000_000)), 1.0)!.Value, 12);

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void WaitingCores_WithoutPositiveElapsed_Throws(double elapsed) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadRunDelay.WaitingCores(Threads(), Threads(), elapsed));
}
