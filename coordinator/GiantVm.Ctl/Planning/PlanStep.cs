using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;

namespace GiantVm.Ctl.Planning;

/// <summary>One round of <c>plan</c>: its time on the snapshot clock, the decisions, the node views and notes.</summary>
internal sealed record PlanStep(long Round, DateTimeOffset Time, IReadOnlyList<Decision> Decisions, IReadOnlyList<NodeView> Nodes, IReadOnlyList<string> Notes);
