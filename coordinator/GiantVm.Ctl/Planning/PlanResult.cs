namespace GiantVm.Ctl.Planning;

/// <summary>All rounds of a <c>plan</c> run; <see cref="Sustained"/> when a single snapshot was taken as sustained.</summary>
internal sealed record PlanResult(bool Sustained, IReadOnlyList<PlanStep> Steps);
