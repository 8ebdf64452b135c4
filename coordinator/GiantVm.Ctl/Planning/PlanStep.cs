using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;

namespace GiantVm.Ctl.Planning;

/// <summary>One round of <c>plan</c>: its time on the snapshot clock, the decisions, the node views and notes.</summary>
internal sealed record PlanStep(long Round, DateTimeOffset Time, IReadOnlyList<Decision> Decisions, IReadOnlyList<NodeView> Nodes, IReadOnlyList<string> Notes);

/// <summary>All rounds of a <c>plan</c> run; <see cref="Sustained"/> when a single snapshot was taken as sustained.</summary>
internal sealed record PlanResult(bool Sustained, IReadOnlyList<PlanStep> Steps);
