using Akka.Cluster.Sharding;

namespace GiantVm.Coordinator.Rebalancing;

/// <summary>
/// The rebalancers are sharded: one entity per GiantVM instance (entity id = the instance's
/// <c>vm</c>), hosted by Akka.Cluster.Sharding on the coordinator members with remembered
/// entities (after a failover every instance's rebalancer runs again without waiting for a
/// message). Everything for a rebalancer goes to the shard region wrapped in
/// <see cref="To"/>; the entity receives the inner message with the sender kept.
/// </summary>
public static class RebalancerShards
{
    /// <summary>The shard region's name (type name in the sharding's own persistence ids).</summary>
    public const string RegionName = "rebalancer";

    /// <summary>Shards the instances are hashed into (fixed for the life of a deployment: it decides which shard an instance is in).</summary>
    public const int MaxShards = 100;

    /// <summary><paramref name="message"/> for instance <paramref name="vm"/>'s rebalancer.</summary>
    public static ShardingEnvelope To(string vm, object message) => new(vm, message);
}

/// <summary>
/// Shards by the hash of the entity id. Akka's extractor unwraps <see cref="ShardingEnvelope"/>
/// itself (and handles the remembered entities' start messages): every message for a
/// rebalancer travels in one, so anything else has no entity (and is dropped by the region).
/// </summary>
public sealed class RebalancerMessageExtractor() : HashCodeMessageExtractor(RebalancerShards.MaxShards)
{
    public override string EntityId(object message) => null!;
}
