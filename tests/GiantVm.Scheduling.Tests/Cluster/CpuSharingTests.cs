using GiantVm.Scheduling.Cluster;

namespace GiantVm.Scheduling.Tests.Cluster;

public sealed class CpuSharingTests
{
    [Theory]
    // L + G <= C: both fully served
    [InlineData(1.0, 0.3, 0.5, 1.0, 0.3, 0.5)]
    [InlineData(1.0, 0.5, 0.5, 1.0, 0.5, 0.5)]
    // LC below its share (0.5): LC gets its demand, the guest the rest
    [InlineData(1.0, 0.2, 1.0, 1.0, 0.2, 0.8)]
    // guest below its share: the guest gets its demand, LC the rest
    [InlineData(1.0, 0.9, 0.3, 1.0, 0.7, 0.3)]
    // both above their shares: each gets its share
    [InlineData(1.0, 0.8, 0.9, 1.0, 0.5, 0.5)]
    // weights: wV = 3 gives sL = 0.25, sV = 0.75
    [InlineData(1.0, 0.6, 0.9, 3.0, 0.25, 0.75)]
    [InlineData(0.5, 0.1, 0.9, 3.0, 0.1, 0.4)]
    public void Share_FollowsTheWaterFillingCases(double c, double l, double g, double wv, double servedL, double servedG)
    {
        CpuShare share = CpuSharing.Share(c, l, g, 1.0, wv);

        Assert.Equal(servedL, share.ServedLc, 12);
        Assert.Equal(servedG, share.ServedGuest, 12);
    }

    [Fact]
    public void Share_WhenCapacityIsZero_ServesNothing()
    {
        Assert.Equal(new CpuShare(0, 0), CpuSharing.Share(0, 0.5, 0.5, 1, 1));
    }

    [Fact]
    public void Evaluate_CapsGuestDemandAtVcpuCapacity()
    {
        HostStep step = new HostCpuModel(VcpuRatio: 0.5).Evaluate(1.0, 0.8, 2.0);

        Assert.Equal(0.5, step.VcpuCapacity, 12);
        Assert.Equal(0.5, step.GuestDemand, 12);
        // L + G = 1.3 > 1; sL = sV = 0.5; G <= sV so the guest is served and LC gets the rest
        Assert.Equal(0.5, step.ServedGuest, 12);
        Assert.Equal(0.5, step.ServedLc, 12);
        Assert.Equal(0.0, step.StealRatio, 12);
        Assert.True(step.LcViolated);
        Assert.Equal(0.3, step.LcShortfall, 12);
    }

    [Fact]
    public void Evaluate_StealIsUnservedGuestDemandOverVcpuCapacity()
    {
        HostStep step = HostCpuModel.Default.Evaluate(0.5, 0.4, 0.45);

        // sL = sV = 0.25, both need more: 0.25 each; steal = (0.45 - 0.25) / 0.5
        Assert.Equal(0.4, step.StealRatio, 12);
        Assert.Equal(1.0, step.Utilization, 12);
        Assert.True(step.LcViolated);
    }

    [Fact]
    public void Evaluate_WhenEverythingFits_HasNoStealAndNoViolation()
    {
        HostStep step = HostCpuModel.Default.Evaluate(1.0, 0.25, 0.25);

        Assert.Equal(0.0, step.StealRatio);
        Assert.False(step.LcViolated);
        Assert.Equal(0.5, step.Utilization, 12);
    }
}
