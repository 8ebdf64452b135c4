using GiantVm.Scheduling.Model;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// <c>balanced</c>: the fewest moves, largest benefit first. Each step takes the hot node with the
/// highest expected steal (still above <c>steal_low</c>), its largest movable task, and the target
/// with the lowest expected steal after receiving it; the move is made only when the source's
/// expected steal exceeds that by more than <c>min_improvement</c>.
/// </summary>
internal static class BalancedPlanner
{
    public static void Plan(RoundWork work)
    {
        var policy = work.Policy;
        if (policy.LcHarm && policy.MinGainCores > 0)
        {
            GainPlanner.Plan(work);
            return;
        }

        var sources = work.Nodes.Where(n => n.Hot && n.Fresh && n.Tasks.Count > 0).ToList();
        var queues = sources.ToDictionary(n => n.Id, n => new Queue<TaskSnapshot>(DecisionEngine.ByBenefit(n.Tasks)));

        while (work.RoundHasRoom)
        {
            NodeWork? source = null;
            foreach (var n in sources)
            {
                if (queues[n.Id].Count > 0 && work.CanLeave(n) && n.Estimate > policy.StealLow
                    && (source is null || n.Estimate > source.Estimate))
                {
                    source = n;
                }
            }

            if (source is null)
            {
                break;
            }

            // Expected steal only grows when a task is added, so no task of this source can move when
            // even the lowest current target is not low enough: skip the whole node at once.
            var floor = LowestTarget(work, source);
            if (floor is null || source.Estimate - floor.Estimate <= policy.MinImprovement)
            {
                work.Note(floor is null
                    ? $"node {source.Id} is hot but no node can take its tasks (stale, drained, excluded or at its per-round cap)"
                    : $"node {source.Id} is hot but no move improves steal by more than {Reasons.F(policy.MinImprovement)} " +
                      $"(lowest target node {floor.Id} at {Reasons.F(floor.Estimate)} vs {Reasons.F(source.Estimate)})");
                queues[source.Id].Clear();
                continue;
            }

            var queue = queues[source.Id];
            var task = queue.Dequeue();
            if (!work.IsMovable(task))
            {
                continue;
            }

            var cores = DecisionEngine.DemandOf(task);
            NodeWork? best = null;
            var bestAfter = double.MaxValue;
            foreach (var t in work.TargetsFor(source, task))
            {
                var after = t.EstimateWith(cores);
                if (after < bestAfter)
                {
                    best = t;
                    bestAfter = after;
                }
            }

            if (best is null)
            {
                work.Note($"node {source.Id} is hot but some of its tasks fit on no eligible node (memory, return block)");
                continue;
            }

            var margin = source.Estimate - bestAfter;
            if (margin <= policy.MinImprovement)
            {
                work.Note($"node {source.Id} is hot but moving some of its tasks would not improve steal by more than " +
                          $"{Reasons.F(policy.MinImprovement)} (the target would fill up)");
                continue;
            }

            var reason = $"balanced: node {source.Id} hot (smoothed steal {Reasons.F(source.Smoothed)} > steal_high {Reasons.F(policy.StealHigh)}, " +
                         $"expected {Reasons.F(source.Estimate)} before this move); node {best.Id} has the lowest expected steal of the nodes " +
                         $"that can take the task: {Reasons.F(best.Estimate)} -> {Reasons.F(bestAfter)} with it; margin {Reasons.F(margin)} > " +
                         $"min_improvement {Reasons.F(policy.MinImprovement)}; {work.MemoryText(best, task)}";
            work.Plan(task, source, best, reason);
        }

        if (sources.Any(s => queues[s.Id].Count > 0 && s.Estimate > policy.StealLow))
        {
            work.NoteCapIfReached();
        }
    }

    private static NodeWork? LowestTarget(RoundWork work, NodeWork source)
    {
        NodeWork? lowest = null;
        foreach (var t in work.Nodes)
        {
            if (t.CanBeTarget && t.Id != source.Id && work.CanEnter(t) && (lowest is null || t.Estimate < lowest.Estimate))
            {
                lowest = t;
            }
        }

        return lowest;
    }
}
