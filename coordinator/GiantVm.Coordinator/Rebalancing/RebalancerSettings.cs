namespace GiantVm.Coordinator.Rebalancing;

/// <summary>What the rebalancer needs to know about its place.</summary>
/// <param name="Vm">The GiantVM instance it decides for.</param>
/// <param name="Member">This coordinator member's name (journal records' <c>member</c>).</param>
/// <param name="PolicyOrigin">The policy name or file given at start (re-read by a reload without content).</param>
/// <param name="AfterDecisionJournaled">Test hook run after a decision record is flushed, before its command is sent.</param>
public sealed record RebalancerSettings(string Vm, string Member, string PolicyOrigin, Action? AfterDecisionJournaled = null);
