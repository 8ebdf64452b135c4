using GiantVm.Coordinator.Persistence;

namespace GiantVm.Coordinator.Tests.Persistence;

public sealed class RebalancerFenceTests
{
    [Theory]
    [InlineData(null, "b", new string[0], true)]            // never taken
    [InlineData("b", "b", new[] { "a", "b" }, true)]        // held by this member already (a new incarnation of its event log)
    [InlineData("a", "b", new[] { "b", "c" }, true)]        // the holder was downed or left: failover
    [InlineData("a#1", "a#2", new[] { "a#2" }, true)]       // the holder's member restarted (a new unique address)
    [InlineData("b", "a", new[] { "a", "b", "c" }, false)]  // a deposed member, resumed, sees its successor Up
    public void MayTake_OnlyWhenTheHolderIsThisMemberOrNoUpMember(string? holder, string self, string[] up, bool expected) =>
        Assert.Equal(expected, RebalancerFence.MayTake(holder is null ? null : new FenceHolder(3, holder), self, up.ToHashSet()));
}
