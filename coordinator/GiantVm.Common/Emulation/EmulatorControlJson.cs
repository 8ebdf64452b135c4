using System.Text.Json.Serialization;

namespace GiantVm.Common.Emulation;

/// <summary>The control files' JSON, generated at build time (snake_case names; no reflection, so NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MoveRequestFile))]
[JsonSerializable(typeof(MoveDoneFile))]
public sealed partial class EmulatorControlJson : JsonSerializerContext;
