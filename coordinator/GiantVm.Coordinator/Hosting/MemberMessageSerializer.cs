using Akka.Actor;
using Akka.Serialization;

namespace GiantVm.Coordinator.Hosting;

/// <summary>Akka's serializer for the actor messages between members (bound to their types; see <see cref="MemberMessageFormat"/>).</summary>
public sealed class MemberMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The serializer id sent with every message (the same on every member).</summary>
    public const int Id = 1920;

    public override int Identifier => Id;

    public override string Manifest(object o) => MemberMessageFormat.ManifestOf(o);

    public override byte[] ToBinary(object obj) => MemberMessageFormat.ToBytes(obj);

    public override object FromBinary(byte[] bytes, string manifest) => MemberMessageFormat.FromBytes(bytes, manifest);
}
