using GiantVm.Coordinator.Replication;

namespace GiantVm.Coordinator.Tests.Replication;

public sealed class ClusterMajorityTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    public void Of_IsMoreThanHalfOfTheConfiguredSize(int clusterSize, int needed) =>
        Assert.Equal(needed, ClusterMajority.Of(clusterSize));

    [Theory]
    [InlineData(0, 3, false)]
    [InlineData(1, 3, false)]
    [InlineData(2, 3, true)]
    [InlineData(3, 3, true)]
    [InlineData(1, 1, true)]
    [InlineData(2, 4, false)]
    public void Reached_CountsAgainstTheConfiguredSize_NotTheMembersSeen(int acks, int clusterSize, bool reached) =>
        Assert.Equal(reached, ClusterMajority.Reached(acks, clusterSize));
}
