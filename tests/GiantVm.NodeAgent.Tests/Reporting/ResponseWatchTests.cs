using GiantVm.NodeAgent.Reporting;

namespace GiantVm.NodeAgent.Tests.Reporting;

public sealed class ResponseWatchTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NothingSent_IsNeverSilent()
    {
        var watch = new ResponseWatch();
        Assert.False(watch.IsSilent(T0.AddHours(1), TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.Zero, watch.Waiting(T0.AddHours(1)));
    }

    [Theory]
    [InlineData(4.9, false)]
    [InlineData(5.0, true)]
    [InlineData(30, true)]
    public void Sent_UnansweredForTheLimit_IsSilent(double secondsLater, bool silent)
    {
        var watch = new ResponseWatch();
        watch.Sent(T0);
        Assert.Equal(silent, watch.IsSilent(T0.AddSeconds(secondsLater), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void TheWaitCountsFromTheFirstUnansweredSend_NotTheLatest()
    {
        var watch = new ResponseWatch();
        watch.Sent(T0);
        watch.Sent(T0.AddSeconds(4));
        Assert.True(watch.IsSilent(T0.AddSeconds(5), TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(5), watch.Waiting(T0.AddSeconds(5)));
    }

    [Fact]
    public void AnAnswer_EndsTheWait_AndTheNextSendStartsANewOne()
    {
        var watch = new ResponseWatch();
        watch.Sent(T0);
        watch.Received();
        Assert.False(watch.IsSilent(T0.AddSeconds(60), TimeSpan.FromSeconds(5)));
        watch.Sent(T0.AddSeconds(60));
        Assert.False(watch.IsSilent(T0.AddSeconds(64), TimeSpan.FromSeconds(5)));
        Assert.True(watch.IsSilent(T0.AddSeconds(65), TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(1.0, 5, 5.0)]
    [InlineData(0.3, 5, 1.5)]
    [InlineData(2.0, 3, 6.0)]
    public void SilenceLimit_IsTheIntervalsTimesTheReportInterval(double intervalSeconds, int intervals, double limitSeconds)
    {
        var health = StreamHealth.Default with { SilentIntervals = intervals };
        Assert.Equal(TimeSpan.FromSeconds(limitSeconds), health.SilenceLimit(TimeSpan.FromSeconds(intervalSeconds)));
    }
}
