using GiantVm.Coordinator.Agents;

namespace GiantVm.Coordinator.Tests.Limits;

public sealed class ReportRateLimiterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ABurstAboveTheRate_IsCutAtOneSecondsWorth_AndRefillsWithTime()
    {
        var limiter = new ReportRateLimiter(10, T0);

        var passed = Enumerable.Range(0, 25).Count(_ => limiter.TryTake(T0));
        var afterHalfASecond = Enumerable.Range(0, 25).Count(_ => limiter.TryTake(T0.AddMilliseconds(500)));

        Assert.Equal((10, 5, 35L), (passed, afterHalfASecond, limiter.Dropped));
    }

    [Fact]
    public void ASteadyRateAtTheLimit_IsNeverDropped()
    {
        var limiter = new ReportRateLimiter(10, T0);

        var dropped = Enumerable.Range(1, 1000).Count(i => !limiter.TryTake(T0.AddMilliseconds(100 * i)));

        Assert.Equal(0, dropped);
    }

    [Fact]
    public void ARateBelowOne_StillLetsOneReportThrough_ThenWaits()
    {
        var limiter = new ReportRateLimiter(0.5, T0);

        Assert.True(limiter.TryTake(T0));
        Assert.False(limiter.TryTake(T0.AddSeconds(1)));
        Assert.True(limiter.TryTake(T0.AddSeconds(2)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void ANonPositiveRate_IsRefused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportRateLimiter(rate, T0));
}
