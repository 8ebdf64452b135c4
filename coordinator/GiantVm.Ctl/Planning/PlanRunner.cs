using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Ctl.Planning;

/// <summary>
/// Runs <see cref="DecisionEngine.Decide"/> over snapshots in order. One snapshot: its steal values
/// are taken as already sustained (smoothed = given, hysteresis satisfied): "what would you do
/// now?". A series: the rules run exactly as in production, from an empty state, rounds advancing
/// by the snapshots' time (or the policy interval when a snapshot has none).
/// </summary>
internal static class PlanRunner
{
    public static PlanResult Run(IReadOnlyList<Snapshot> series, Policy policy)
    {
        var sustained = series.Count == 1;
        var state = sustained ? DecisionState.Sustained(series[0], policy) : DecisionState.Empty;
        var steps = new List<PlanStep>(series.Count);
        foreach (var snapshot in series)
        {
            var result = DecisionEngine.Decide(snapshot, policy, state);
            state = result.State;
            steps.Add(new PlanStep(state.Round, state.Time!.Value, result.Decisions, result.Nodes, result.Notes));
        }

        return new PlanResult(sustained, steps);
    }
}
