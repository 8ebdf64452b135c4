using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Persistence;

/// <summary>
/// A rebalancer state change as the read model lists it (table <c>giantvm_state_changes</c>):
/// drained, undrained, paused, resumed, policy.
/// </summary>
/// <param name="Kind">One of <c>drain</c>, <c>undrain</c>, <c>pause</c>, <c>resume</c>, <c>policy</c>.</param>
/// <param name="Actor">The identity of the operator who asked for it (null: the coordinator itself, or no identity).</param>
/// <param name="Detail">The node (drain/undrain), the reason (pause), or the policy's source and version.</param>
public sealed record StateChangeRow(string Vm, long Seq, long Ordering, DateTimeOffset Time, string Kind, string Member, string? Actor, string? Detail);

/// <summary>
/// What one persisted rebalancer event becomes in the read model: a migration log record
/// (<see cref="Decided"/>, <see cref="ResultRecorded"/>) or a state change. Pure: the projection
/// writes what this returns.
/// </summary>
public static class MigrationLogRows
{
    /// <summary>The GiantVM instance a persistence id belongs to (<c>rebalancer-VM</c>), or null for another writer's events.</summary>
    public static string? VmOf(string persistenceId) =>
        persistenceId.StartsWith(RebalancerEventLog.PersistenceIdPrefix, StringComparison.Ordinal) && persistenceId.Length > RebalancerEventLog.PersistenceIdPrefix.Length
            ? persistenceId[RebalancerEventLog.PersistenceIdPrefix.Length..]
            : null;

    /// <summary>
    /// The record or state change of event <paramref name="seq"/> of instance <paramref name="vm"/>
    /// (global position <paramref name="ordering"/> in the journal); null for an event the read model does not list.
    /// </summary>
    public static object? From(string vm, long seq, long ordering, object e) => e switch
    {
        Decided d => d.Decision with { Vm = vm, Seq = seq },
        ResultRecorded r => r.Result with { Vm = vm, Seq = seq },
        NodeDrained x => new StateChangeRow(vm, seq, ordering, x.Time, x.Evacuate ? "drain-evacuate" : "drain", x.Member, x.Actor, "node " + x.Node),
        NodeUndrained x => new StateChangeRow(vm, seq, ordering, x.Time, "undrain", x.Member, x.Actor, "node " + x.Node),
        RebalancingPaused x => new StateChangeRow(vm, seq, ordering, x.Time, "pause", x.Member, x.Actor, x.Reason),
        RebalancingResumed x => new StateChangeRow(vm, seq, ordering, x.Time, "resume", x.Member, x.Actor, null),
        PolicyReloaded x => new StateChangeRow(vm, seq, ordering, x.Time, "policy", x.Member, x.Actor, $"{x.Source} v{x.Version}"),
        _ => null,
    };
}
