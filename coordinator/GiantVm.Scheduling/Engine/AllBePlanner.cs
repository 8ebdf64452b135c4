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
            // Target scores do not change within an all-be round: when even the lowest node is not
            // low enough, no task of this source can move.
            var lowest = work.Nodes.Where(t => t.CanBeTarget && t.Id != source.Id).Select(t => t.BaseScore).DefaultIfEmpty(double.MaxValue).Min();
            if (source.Smoothed - lowest <= policy.MinImprovement)
            {
                work.Note(lowest == double.MaxValue
                    ? $"node {source.Id} is hot but no node can take its tasks (stale, drained or excluded)"
                    : $"node {source.Id} is hot but no node has steal lower by more than {Reasons.F(policy.MinImprovement)} " +
                      $"(lowest {Reasons.F(lowest)} vs {Reasons.F(source.Smoothed)})");
                continue;
            }

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
                foreach (var t in work.TargetsFor(source, task))
                {
                    if (best is null || t.BaseScore < best.BaseScore)
                    {
                        best = t;
                    }
                }

                if (best is null)
                {
                    work.Note($"node {source.Id} is hot but some of its tasks fit on no eligible node (stale, drained, excluded, memory, return block, per-node cap)");
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
                             $"node {best.Id} has the lowest steal of the nodes that can take the task: {Reasons.F(best.BaseScore)}; margin {Reasons.F(margin)} > " +
                             $"min_improvement {Reasons.F(policy.MinImprovement)}; {work.MemoryText(best, task)}";
                work.Plan(task, source, best, reason);
            }
        }
    }
}
