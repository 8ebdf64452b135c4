using GiantVm.NodeAgent.Reporting;

namespace GiantVm.NodeAgent.Tests.Reporting;

public class BackoffTests
{
    private static readonly Backoff Policy = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData(1, 0.0, 250)]
    [InlineData(1, 0.999999, 500)]
    [InlineData(2, 0.999999, 1000)]
    [InlineData(4, 0.0, 2000)]
    [InlineData(20, 0.999999, 30000)]
    [InlineData(1000, 0.0, 15000)]
    public void Delay_DoublesPerAttemptWithinJitterUpToTheCap(int attempt, double unit, double expectedMs)
    {
        Assert.Equal(expectedMs, Policy.Delay(attempt, unit).TotalMilliseconds, precision: 0);
    }
}
