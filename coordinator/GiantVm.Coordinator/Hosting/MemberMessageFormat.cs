using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// How actor messages travel between members: UTF-8 JSON (source generated, see
/// <see cref="MemberMessageJson"/>, whose <c>[JsonSerializable]</c> lines are the list) under a
/// manifest that is the type's name; the agents' reports, nearly all of the traffic, in the
/// compact binary <see cref="ReportWireFormat"/> instead. Messages are not stored, so a changed
/// shape needs no new manifest; members of one cluster run one version.
/// </summary>
public static class MemberMessageFormat
{
    private static readonly FrozenDictionary<Type, JsonTypeInfo> ByType = typeof(MemberMessageJson)
        .GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
        .Select(a => (Type)a.ConstructorArguments[0].Value!)
        .ToFrozenDictionary(t => t, t => MemberMessageJson.Default.GetTypeInfo(t)
            ?? throw new InvalidOperationException($"no JSON metadata for {t.Name}"));

    private static readonly FrozenDictionary<string, JsonTypeInfo> ByManifest =
        ByType.ToFrozenDictionary(e => e.Key.Name, e => e.Value, StringComparer.Ordinal);

    /// <summary>Every type sent with this format (what the serializer is bound to).</summary>
    public static IReadOnlyList<Type> Types { get; } = [.. ByType.Keys.OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public static string ManifestOf(object value) => InfoOf(value).Type.Name;

    public static byte[] ToBytes(object value)
    {
        var info = InfoOf(value);
        return ReportWireFormat.Handles(info.Type) ? ReportWireFormat.ToBytes(value) : JsonSerializer.SerializeToUtf8Bytes(value, info);
    }

    /// <summary>
    /// Reads a message back; throws <see cref="JsonException"/> (<see cref="FormatException"/> for
    /// a report) for bytes that are not one, <see cref="ArgumentException"/> for an unknown manifest.
    /// </summary>
    public static object FromBytes(ReadOnlySpan<byte> bytes, string manifest) =>
        !ByManifest.TryGetValue(manifest, out var info)
            ? throw new ArgumentException($"unknown member message manifest '{manifest}'", nameof(manifest))
            : ReportWireFormat.Handles(info.Type)
                ? ReportWireFormat.FromBytes(bytes.ToArray(), info.Type)
                : JsonSerializer.Deserialize(bytes, info) ?? throw new JsonException($"a {manifest} message is null");

    /// <inheritdoc cref="FromBytes(ReadOnlySpan{byte}, string)"/>
    public static object FromBytes(byte[] bytes, string manifest) =>
        ByManifest.TryGetValue(manifest, out var info) && ReportWireFormat.Handles(info.Type)
            ? ReportWireFormat.FromBytes(bytes, info.Type)
            : FromBytes((ReadOnlySpan<byte>)bytes, manifest);

    private static JsonTypeInfo InfoOf(object? value) =>
        value is not null && ByType.TryGetValue(value.GetType(), out var info)
            ? info
            : throw new ArgumentException($"no member message format for {value?.GetType().Name ?? "null"}", nameof(value));
}
