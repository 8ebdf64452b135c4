using GiantVm.Scheduling.Model;

namespace GiantVm.Scheduling.Engine;

/// <summary>One round's outcome: the decisions, the state for the next round, and the node views.</summary>
public sealed record DecideResult(IReadOnlyList<Decision> Decisions, DecisionState State, IReadOnlyList<NodeView> Nodes)
{
    /// <summary>Why something that might be expected did not happen (a hot node with no target, a cap reached).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
