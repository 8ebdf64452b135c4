using GiantVm.Scheduling.Cluster;

namespace GiantVm.Scheduling.Tests.Cluster;

public sealed class GiniCoefficientTests
{
    [Theory]
    [InlineData(new[] { 5.0, 5, 5, 5 }, 0.0)]
    [InlineData(new[] { 0.0, 0, 0, 1 }, 0.75)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 0.25)]
    [InlineData(new[] { 4.0, 1, 3, 2 }, 0.25)]
    [InlineData(new[] { 0.0, 0, 0 }, 0.0)]
    [InlineData(new double[0], 0.0)]
    public void Of_MatchesTheReferenceCheckValues(double[] values, double expected)
    {
        Assert.Equal(expected, GiniCoefficient.Of(values), 12);
    }

    [Fact]
    public void Of_UniformOnUnitInterval_IsAboutOneThird()
    {
        double[] values = Enumerable.Range(0, 10001).Select(i => i / 10000.0).ToArray();

        Assert.Equal(1.0 / 3.0, GiniCoefficient.Of(values), 3);
    }

    [Fact]
    public void Of_DoesNotReorderItsInput()
    {
        double[] values = [3, 1, 2];

        GiniCoefficient.Of(values);

        Assert.Equal([3.0, 1, 2], values);
    }
}
