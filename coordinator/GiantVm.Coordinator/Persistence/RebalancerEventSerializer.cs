using Akka.Actor;
using Akka.Serialization;

namespace GiantVm.Coordinator.Persistence;

/// <summary>Akka's serializer for the rebalancer's events and snapshots (bound to their types; see <see cref="RebalancerEventFormat"/>).</summary>
public sealed class RebalancerEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The serializer id stored with every event (never change it: stored journals name it).</summary>
    public const int Id = 1919;

    public override int Identifier => Id;

    public override string Manifest(object o) => RebalancerEventFormat.ManifestOf(o);

    public override byte[] ToBinary(object obj) => RebalancerEventFormat.ToBytes(obj);

    public override object FromBinary(byte[] bytes, string manifest) => RebalancerEventFormat.FromBytes(bytes, manifest);
}
