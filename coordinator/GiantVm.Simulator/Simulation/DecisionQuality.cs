namespace GiantVm.Simulator.Simulation;

/// <summary>
/// How far each policy is from doing nothing and from the oracle bound: the share of the
/// avoidable LC loss (and steal) it removes, and the split of <c>none</c>'s LC loss into the
/// oracle's (unavoidable by any placement) and the rest (avoidable).
/// </summary>
public static class DecisionQuality
{
    /// <summary>Below this many CPU-seconds of avoidable loss, nothing counts as avoidable (the share is null).</summary>
    public const double NothingAvoidable = 1e-6;

    /// <summary>(none - policy) / (none - oracle), or null when none - oracle is not above <see cref="NothingAvoidable"/>.</summary>
    public static double? Removed(double none, double policy, double oracle)
    {
        double avoidable = none - oracle;
        return avoidable > NothingAvoidable ? (none - policy) / avoidable : null;
    }

    /// <summary>The summaries with the two shares filled in (null for all when the run has no <c>none</c> or no <c>oracle</c> row).</summary>
    public static IReadOnlyList<PolicySummary> WithGaps(IReadOnlyList<PolicySummary> policies)
    {
        PolicySummary? none = policies.FirstOrDefault(p => p.Name == "none");
        PolicySummary? oracle = policies.FirstOrDefault(p => p.Name == OraclePolicy.PolicyName);
        if (none is null || oracle is null)
        {
            return policies;
        }

        return policies.Select(p => p with
        {
            AvoidableLcLossRemoved = Removed(none.LcCpuSecondsLost, p.LcCpuSecondsLost, oracle.LcCpuSecondsLost),
            AvoidableStealRemoved = Removed(none.StealCpuSeconds, p.StealCpuSeconds, oracle.StealCpuSeconds),
        }).ToArray();
    }

    /// <summary>none's LC CPU-seconds lost split into (unavoidable = the oracle's, avoidable = the rest); null without both rows.</summary>
    public static (double Unavoidable, double Avoidable)? LcLossSplit(IReadOnlyList<PolicySummary> policies)
    {
        PolicySummary? none = policies.FirstOrDefault(p => p.Name == "none");
        PolicySummary? oracle = policies.FirstOrDefault(p => p.Name == OraclePolicy.PolicyName);
        return none is null || oracle is null
            ? null
            : (oracle.LcCpuSecondsLost, Math.Max(0, none.LcCpuSecondsLost - oracle.LcCpuSecondsLost));
    }
}
