using System.Collections.Immutable;

namespace GiantVm.Coordinator.Replication;

/// <summary>
/// The rebalancer's replicated state as of a log position: the newest policy record (null when
/// no reload was ever replicated: each member's own --policy is in force), the drained nodes, and
/// whether automatic rebalancing is paused.
/// </summary>
public sealed record ReplicatedState(StateRecord? Policy, ImmutableSortedSet<int> Drained, bool Paused, string? PauseReason)
{
    public static ReplicatedState Empty { get; } = new(null, [], false, null);

    /// <summary>Applies one change.</summary>
    public ReplicatedState Apply(StateRecord record) => record.Kind switch
    {
        StateKinds.Policy => this with { Policy = record },
        StateKinds.Drain when record.Node is { } node => this with { Drained = Drained.Add(node) },
        StateKinds.Undrain when record.Node is { } node => this with { Drained = Drained.Remove(node) },
        StateKinds.Pause => this with { Paused = true, PauseReason = record.Reason },
        StateKinds.Resume => this with { Paused = false, PauseReason = null },
        _ => this,
    };

    /// <summary>
    /// The state after every record of <paramref name="vm"/>, applied in sequence order, except
    /// the changes an <see cref="StateKinds.Abort"/> record cancels (no majority acknowledged them).
    /// </summary>
    public static ReplicatedState Fold(IEnumerable<StateRecord> records, string vm)
    {
        var mine = records.Where(r => r.Vm == vm).ToList();
        var aborted = mine.Where(r => r.Kind == StateKinds.Abort).Select(r => r.Aborts).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return mine.Where(r => !aborted.Contains(r.Id)).OrderBy(r => r.Seq).Aggregate(Empty, (state, record) => state.Apply(record));
    }
}
