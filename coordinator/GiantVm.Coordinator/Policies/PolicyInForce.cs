using GiantVm.Scheduling.Policies;

namespace GiantVm.Coordinator.Policies;

/// <summary>The policy the rebalancer uses, with where it came from and its reload version.</summary>
/// <param name="Text">The policy file's text (what GetPolicy returns).</param>
/// <param name="Source">File path, shipped name, or "admin" for content sent over AdminService.</param>
/// <param name="Version">1 at start, +1 per accepted reload that changed something.</param>
public sealed record PolicyInForce(Policy Policy, string Text, string Source, int Version, DateTimeOffset LoadedAt);
