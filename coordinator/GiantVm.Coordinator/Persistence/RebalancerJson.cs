using System.Text.Json.Serialization;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;

namespace GiantVm.Coordinator.Persistence;

/// <summary>
/// System.Text.Json source generation for the rebalancer's persisted events and snapshot
/// (camelCase): no reflection, and the shape is fixed by the types at build time. Reading is
/// strict: every constructor parameter must be present (nulls are written out), so a stored
/// value missing a field fails loudly instead of turning into a default.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Decided))]
[JsonSerializable(typeof(ResultRecorded))]
[JsonSerializable(typeof(NodeDrained))]
[JsonSerializable(typeof(NodeUndrained))]
[JsonSerializable(typeof(RebalancingPaused))]
[JsonSerializable(typeof(RebalancingResumed))]
[JsonSerializable(typeof(PolicyReloaded))]
[JsonSerializable(typeof(RebalancerSnapshot))]
internal sealed partial class RebalancerJson : JsonSerializerContext;
