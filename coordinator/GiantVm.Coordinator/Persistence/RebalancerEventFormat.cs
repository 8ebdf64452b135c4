using System.Text.Json;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;

namespace GiantVm.Coordinator.Persistence;

/// <summary>
/// How the rebalancer's events and snapshots are stored: UTF-8 JSON (source generated, see
/// <see cref="RebalancerJson"/>) under a manifest naming the type and its format version. A new
/// shape gets a new manifest; the old ones stay readable (the checked-in fixture proves it).
/// </summary>
public static class RebalancerEventFormat
{
    public const string Decided = "decided.v1";
    public const string ResultRecorded = "result-recorded.v1";
    public const string NodeDrained = "node-drained.v1";
    public const string NodeUndrained = "node-undrained.v1";
    public const string Paused = "paused.v1";
    public const string Resumed = "resumed.v1";
    public const string PolicyReloaded = "policy-reloaded.v1";
    public const string Snapshot = "snapshot.v1";

    /// <summary>Every type stored with this format (what the serializer is bound to).</summary>
    public static IReadOnlyList<Type> Types { get; } =
    [
        typeof(Decided), typeof(ResultRecorded), typeof(NodeDrained), typeof(NodeUndrained),
        typeof(RebalancingPaused), typeof(RebalancingResumed), typeof(PolicyReloaded), typeof(RebalancerSnapshot),
    ];

    public static string ManifestOf(object value) => value switch
    {
        Rebalancing.Bookkeeping.Decided => Decided,
        Rebalancing.Bookkeeping.ResultRecorded => ResultRecorded,
        Rebalancing.Bookkeeping.NodeDrained => NodeDrained,
        Rebalancing.Bookkeeping.NodeUndrained => NodeUndrained,
        RebalancingPaused => Paused,
        RebalancingResumed => Resumed,
        Rebalancing.Bookkeeping.PolicyReloaded => PolicyReloaded,
        RebalancerSnapshot => Snapshot,
        _ => throw new ArgumentException($"no stored format for {value?.GetType().Name ?? "null"}", nameof(value)),
    };

    public static byte[] ToBytes(object value) => value switch
    {
        Rebalancing.Bookkeeping.Decided e => JsonSerializer.SerializeToUtf8Bytes(e, RebalancerJson.Default.Decided),
        Rebalancing.Bookkeeping.ResultRecorded e => JsonSerializer.SerializeToUtf8Bytes(e, RebalancerJson.Default.ResultRecorded),
        Rebalancing.Bookkeeping.NodeDrained e => JsonSerializer.SerializeToUtf8Bytes(e, RebalancerJson.Default.NodeDrained),
        Rebalancing.Bookkeeping.NodeUndrained e => JsonSerializer.SerializeToUtf8Bytes(e, RebalancerJson.Default.NodeUndrained),
        RebalancingPaused e => JsonSerializer.SerializeToUtf8Bytes(e, RebalancerJson.Default.RebalancingPaused),
        RebalancingResumed e => JsonSerializer.SerializeToUtf8Bytes(e, RebalancerJson.Default.RebalancingResumed),
        Rebalancing.Bookkeeping.PolicyReloaded e => JsonSerializer.SerializeToUtf8Bytes(e, RebalancerJson.Default.PolicyReloaded),
        RebalancerSnapshot s => JsonSerializer.SerializeToUtf8Bytes(s, RebalancerJson.Default.RebalancerSnapshot),
        _ => throw new ArgumentException($"no stored format for {value?.GetType().Name ?? "null"}", nameof(value)),
    };

    /// <summary>Reads a stored value back; throws <see cref="JsonException"/> for bytes that are not one, <see cref="ArgumentException"/> for an unknown manifest.</summary>
    public static object FromBytes(ReadOnlySpan<byte> bytes, string manifest) => (object?)(manifest switch
    {
        Decided => (object?)JsonSerializer.Deserialize(bytes, RebalancerJson.Default.Decided),
        ResultRecorded => JsonSerializer.Deserialize(bytes, RebalancerJson.Default.ResultRecorded),
        NodeDrained => JsonSerializer.Deserialize(bytes, RebalancerJson.Default.NodeDrained),
        NodeUndrained => JsonSerializer.Deserialize(bytes, RebalancerJson.Default.NodeUndrained),
        Paused => JsonSerializer.Deserialize(bytes, RebalancerJson.Default.RebalancingPaused),
        Resumed => JsonSerializer.Deserialize(bytes, RebalancerJson.Default.RebalancingResumed),
        PolicyReloaded => JsonSerializer.Deserialize(bytes, RebalancerJson.Default.PolicyReloaded),
        Snapshot => (object?)JsonSerializer.Deserialize(bytes, RebalancerJson.Default.RebalancerSnapshot),
        _ => throw new ArgumentException($"unknown stored manifest '{manifest}'", nameof(manifest)),
    }) ?? throw new JsonException($"a stored {manifest} is null");
}
