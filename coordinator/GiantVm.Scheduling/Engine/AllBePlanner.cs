namespace GiantVm.Scheduling.Engine;

/// <summary>
/// <c>all-be</c> (the reference study's scheduler): every BE task on a hot node goes to the
/// lowest-steal eligible node, as long as that is lower than the source's by more than
/// <c>min_improvement</c>. Memory, anti-flap rules and caps still apply.
/// </summary>
internal static class AllBePlanner
{
    public static void Plan(RoundWork work)
    {
        var policy = work.Policy;
        var sources = work.Nodes.Where(n => n.Hot && n.Fresh && n.Tasks.Count > 0)
            .OrderByDescending(n => n.Smoothed).ThenBy(n => n.Id).ToList();
        foreach (var source in sources)
        {
            foreach (var task in DecisionEngine.ByBenefit(source.Tasks))
            {
                if (!work.RoundHasRoom)
                {
                    work.NoteCapIfReached();
                    return;
                }

                if (!work.CanLeave(source))
                {
                    work.Note($"cap migrate.max_per_node_per_round ({policy.MaxPerNodePerRound}) reached for node {source.Id}");
                    break;
                }

                if (!work.IsMovable(task))
                {
                    continue;
                }

                NodeWork? best = null;
                foreach (var t in work.Nodes)
                {
                    if (work.IsTargetFor(t, source, task) && (best is null || t.BaseScore < best.BaseScore))
                    {
                        best = t;
                    }
                }

                if (best is null)
                {
                    work.Note($"node {source.Id} is hot but task {task.Pid} has no eligible target");
                    continue;
                }

                var margin = source.Smoothed - best.BaseScore;
                if (margin <= policy.MinImprovement)
                {
                    work.Note($"node {source.Id} is hot but the lowest-steal target node {best.Id} is not lower by more than " +
                              $"{Reasons.F(policy.MinImprovement)} (margin {Reasons.F(margin)})");
                    continue;
                }

                var reason = $"all-be: node {source.Id} hot (smoothed steal {Reasons.F(source.Smoothed)} > steal_high {Reasons.F(policy.StealHigh)}); " +
                             $"node {best.Id} has the lowest steal {Reasons.F(best.BaseScore)}; margin {Reasons.F(margin)} > " +
                             $"min_improvement {Reasons.F(policy.MinImprovement)}; {work.MemoryText(best, task)}";
                work.Plan(task, source, best, reason);
            }
        }
    }
}
