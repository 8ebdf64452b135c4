namespace GiantVm.Scheduling.Engine;

/// <summary>How the decision core saw one node in a round (for status, plan and logs).</summary>
/// <param name="StealRatio">The reading in the snapshot.</param>
/// <param name="SmoothedStealRatio">The EMA after this round's reading.</param>
/// <param name="Hot">Hysteresis says hot.</param>
/// <param name="Eligible">May be a target at all (fresh, not drained, not excluded); memory is per task.</param>
/// <param name="Note">Why not eligible, or how far towards hot; null when there is nothing to say.</param>
public sealed record NodeView(int Id, double StealRatio, double SmoothedStealRatio, bool Hot, bool Eligible, string? Note);
