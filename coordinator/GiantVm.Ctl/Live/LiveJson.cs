using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;

namespace GiantVm.Ctl.Live;

/// <summary>Writes the live verbs' JSON: indented, camelCase keys in a fixed order, times ISO 8601 UTC, null for unknown.</summary>
internal static class LiveJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(JsonNode node) => node.ToJsonString(Options);

    public static JsonNode? Time(Timestamp? time) => time is null ? null : JsonValue.Create(LiveText.Iso(time.ToDateTimeOffset()));

    public static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode?> map) => new([.. items.Select(map)]);
}
