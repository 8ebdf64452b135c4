namespace GiantVm.Coordinator.Rebalancing;

/// <summary>What the rebalancer needs to know about its place.</summary>
/// <param name="Vm">The GiantVM instance it decides for.</param>
/// <param name="Member">This coordinator member's name (journal records' <c>member</c>).</param>
/// <param name="PolicyOrigin">The policy name or file given at start (re-read by a reload without content).</param>
/// <param name="AfterDecisionJournaled">Test hook run after a decision record is acknowledged by a majority, before its command is sent.</param>
/// <param name="MemberAddress">This member's Akka address (shown in status), null outside a cluster.</param>
public sealed record RebalancerSettings(string Vm, string Member, string PolicyOrigin, Action? AfterDecisionJournaled = null, string? MemberAddress = null);
