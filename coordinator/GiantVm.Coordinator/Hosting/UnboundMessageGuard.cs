using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// The serializer for every type without a binding while messages are verified
/// (<see cref="AkkaSettings.VerifyMessages"/>, tests only): a type of this project fails loudly
/// (it needs a line in <see cref="MemberMessageJson"/>, or <see cref="INoSerializationVerificationNeeded"/>
/// when it never leaves its member); Akka's own local messages (cluster daemon subscriptions,
/// termination hooks, ...), which have no binding of their own, are handed through unchanged, as
/// they are without verification. Never bound in production: there strict serialization refuses
/// every unbound type.
/// </summary>
public sealed class UnboundMessageGuard(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 1921;

    // Shared by every instance: Akka may create more than one instance of a serializer (one per
    // binding and one per id), and a message serialized by one is deserialized by another.
    private static readonly ConcurrentDictionary<string, object> InFlight = new(StringComparer.Ordinal);

    public override int Identifier => Id;

    /// <summary>Whether <paramref name="type"/> belongs to this project (and so must have its own serializer).</summary>
    public static bool IsOurs(Type type) => type.Namespace?.StartsWith("GiantVm", StringComparison.Ordinal) == true;

    public override string Manifest(object o) => Check(o);

    public override byte[] ToBinary(object obj)
    {
        var key = Guid.NewGuid().ToString("N");
        Check(obj);
        InFlight[key] = obj;
        return System.Text.Encoding.ASCII.GetBytes(key);
    }

    public override object FromBinary(byte[] bytes, string manifest) =>
        InFlight.TryRemove(System.Text.Encoding.ASCII.GetString(bytes), out var value)
            ? value
            : throw new SerializationException($"{manifest} has no serializer binding and cannot travel between members");

    private static string Check(object o)
    {
        var type = o.GetType();
        return IsOurs(type)
            ? throw new SerializationException(
                $"{type.FullName} has no serializer binding: add it to MemberMessageJson, or implement INoSerializationVerificationNeeded if it never leaves its member")
            : type.FullName ?? type.Name;
    }
}
