namespace GiantVm.Scheduling.Engine;

/// <summary>
/// <c>random</c> (baseline): every movable BE task on a hot node goes to an eligible node drawn
/// uniformly at random (seeded from the policy, the generator carried in the state, so a run is
/// reproducible). Memory, anti-flap rules and caps still apply; steal of the target is ignored.
/// </summary>
internal static class RandomPlanner
{
    public static void Plan(RoundWork work)
    {
        var sources = work.Nodes.Where(n => n.Hot && n.Fresh && n.Tasks.Count > 0)
            .OrderByDescending(n => n.Smoothed).ThenBy(n => n.Id).ToList();
        var candidates = new List<NodeWork>();
        foreach (var source in sources)
        {
            foreach (var task in source.Tasks.OrderBy(t => t.Pid))
            {
                if (!work.RoundHasRoom)
                {
                    work.NoteCapIfReached();
                    return;
                }

                if (!work.CanLeave(source))
                {
                    break;
                }

                if (!work.IsMovable(task))
                {
                    continue;
                }

                candidates.Clear();
                candidates.AddRange(work.TargetsFor(source, task));
                if (candidates.Count == 0)
                {
                    work.Note($"node {source.Id} is hot but some of its tasks fit on no eligible node (stale, drained, excluded, memory, return block, per-node cap)");
                    continue;
                }

                var target = candidates[work.NextRandom(candidates.Count)];
                var reason = $"random: node {source.Id} hot (smoothed steal {Reasons.F(source.Smoothed)} > steal_high " +
                             $"{Reasons.F(work.Policy.StealHigh)}); node {target.Id} drawn from {candidates.Count} eligible " +
                             $"(its steal {Reasons.F(target.Smoothed)}); {work.MemoryText(target, task)}";
                work.Plan(task, source, target, reason);
            }
        }
    }
}
