namespace GiantVm.Coordinator.Replication;

/// <summary>
/// One change of the rebalancer's replicated state (a line of <c>state.jsonl</c> in each
/// member's data folder): a policy in force, a node drained or undrained, rebalancing paused or
/// resumed. Folded in sequence order by <see cref="ReplicatedState.Fold"/>.
/// </summary>
public sealed record StateRecord
{
    /// <summary>Unique per record (replicas de-duplicate by it).</summary>
    public required string Id { get; init; }

    /// <summary>Position in the replicated log.</summary>
    public required long Seq { get; init; }

    /// <summary>One of <see cref="StateKinds"/>.</summary>
    public required string Kind { get; init; }

    public required DateTimeOffset Time { get; init; }

    public string Vm { get; init; } = "giantvm";

    /// <summary>The member whose rebalancer wrote it.</summary>
    public string? Member { get; init; }

    /// <summary>Policy text (kind <c>policy</c>).</summary>
    public string? PolicyText { get; init; }

    /// <summary>Where the policy came from (kind <c>policy</c>).</summary>
    public string? PolicySource { get; init; }

    /// <summary>The policy's reload version (kind <c>policy</c>).</summary>
    public int? PolicyVersion { get; init; }

    /// <summary>The node drained or undrained.</summary>
    public int? Node { get; init; }

    /// <summary>Why rebalancing was paused.</summary>
    public string? Reason { get; init; }

    /// <summary>The id of the change this one cancels (kind <c>abort</c>).</summary>
    public string? Aborts { get; init; }
}
