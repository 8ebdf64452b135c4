using Akka.Hosting;
using Akka.Serialization;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// How messages between members are serialized: Hyperion for every type (the rebalancer's
/// messages are plain records, including protobuf commands and immutable collections, which the
/// default JSON serializer does not round-trip).
/// </summary>
public static class AkkaSerialization
{
    public static AkkaConfigurationBuilder AddHyperion(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer("hyperion", [typeof(object)], system => new HyperionSerializer(system));
}
