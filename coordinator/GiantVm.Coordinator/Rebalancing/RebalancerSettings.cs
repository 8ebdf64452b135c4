namespace GiantVm.Coordinator.Rebalancing;

/// <summary>What the rebalancer needs to know about its place.</summary>
/// <param name="Vm">The GiantVM instance it decides for (its entity id).</param>
/// <param name="Member">This coordinator member's name (journal records' <c>member</c>).</param>
/// <param name="PolicyOrigin">The instance's policy name or file (re-read by a reload without content): its <c>--policy-dir</c> file, else <c>--policy</c>.</param>
/// <param name="AfterDecisionJournaled">Test hook run after a decision is persisted, before its command is sent.</param>
/// <param name="MemberAddress">This member's Akka address (shown in status), null outside a cluster.</param>
/// <param name="PolicyProblem">Why the instance's own policy file was not used (logged at start), null when it was or there is none.</param>
public sealed record RebalancerSettings(
    string Vm,
    string Member,
    string PolicyOrigin,
    Action? AfterDecisionJournaled = null,
    string? MemberAddress = null,
    string? PolicyProblem = null);
