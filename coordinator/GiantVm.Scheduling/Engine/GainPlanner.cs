using GiantVm.Scheduling.Model;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// <c>balanced</c> with <c>signal.lc_harm</c> and <c>migrate.min_gain_cores</c> &gt; 0: every move
/// must pay for itself. Each step looks at every movable task of every hot node and every target
/// that may take it, and makes the one move that removes the most host overload in cores (source
/// and target together: overload = max(0, LC + BE demand - capacity), the CPU the LC work loses or
/// the guest has stolen), provided it removes at least <c>min_gain_cores</c>; ties go to the task
/// with less memory (a cheaper move), then the lower pid, then the target keeping the most room.
/// A move that only shifts overload to the target, a task too small to matter and a second task
/// once the first has cleared the overload all gain too little and are not made. With
/// <c>migrate.age_credit</c> the gain is credited with the task's expected remaining life: multiplied
/// by 1 + observed age / age_credit before it is ranked and compared with <c>min_gain_cores</c>. With
/// <c>migrate.persist_age</c> the harm shed at the source is computed on the source's other demand that is
/// likely to stay (<see cref="Shed"/>).
/// </summary>
internal static class GainPlanner
{
    public static void Plan(RoundWork work)
    {
        var policy = work.Policy;
        var sources = work.Nodes.Where(n => n.Hot && n.Fresh && n.Tasks.Count > 0).ToList();
        var gone = new HashSet<int>();
        while (work.RoundHasRoom)
        {
            TaskSnapshot? bestTask = null;
            NodeWork? bestFrom = null;
            NodeWork? bestTo = null;
            var bestGain = 0.0;
            var bestCredit = 1.0;
            foreach (var source in sources)
            {
                if (!work.CanLeave(source) || source.HarmCores(source.Demand) <= 0)
                {
                    continue;
                }

                foreach (var task in source.Tasks)
                {
                    if (gone.Contains(task.Pid) || !work.IsMovable(task))
                    {
                        continue;
                    }

                    var cores = DecisionEngine.DemandOf(task);
                    var credit = Credit(work, task);
                    var shed = Shed(work, source, task, gone) * credit;
                    if (shed < policy.MinGainCores || shed < bestGain)
                    {
                        continue;
                    }

                    var last = work.State.LastMoveOf(task.Pid, task.StartTime);
                    foreach (var target in work.Nodes)
                    {
                        if (!work.IsTarget(source, target, task, last))
                        {
                            continue;
                        }

                        var gain = shed - ((target.HarmCores(target.Demand + cores) - target.HarmCores(target.Demand)) * credit);
                        if (gain >= policy.MinGainCores && Better(gain, task, target, bestGain, bestTask, bestTo))
                        {
                            bestGain = gain;
                            bestTask = task;
                            bestFrom = source;
                            bestTo = target;
                            bestCredit = credit;
                        }
                    }
                }
            }

            if (bestTask is null || bestFrom is null || bestTo is null)
            {
                break;
            }

            var before = bestFrom.HarmCores(bestFrom.Demand);
            var removes = policy.AgeCredit > TimeSpan.Zero
                ? $"removes {Reasons.F(bestGain / bestCredit)} cores of LC harm, x {Reasons.F(bestCredit)} for its age " +
                  $"(seen for {DurationText.Format(work.State.AgeOf(bestTask.Pid, bestTask.StartTime, work.Now))}, age_credit {DurationText.Format(policy.AgeCredit)}) = {Reasons.F(bestGain)}"
                : $"removes {Reasons.F(bestGain)} cores of LC harm";
            if (policy.PersistAge > TimeSpan.Zero)
            {
                removes += $" (shed counted on the source's demand likely to stay, persist_age {DurationText.Format(policy.PersistAge)})";
            }

            var reason = $"balanced (gain): node {bestFrom.Id} hot (smoothed {Reasons.F(bestFrom.Smoothed)} > steal_high {Reasons.F(policy.StealHigh)}, " +
                         $"LC harm {Reasons.F(before)} cores before this move); moving task {bestTask.Pid} " +
                         $"({Reasons.F(DecisionEngine.DemandOf(bestTask))} cores) to node {bestTo.Id} {removes}, " +
                         $"the most of any move, >= min_gain_cores {Reasons.F(policy.MinGainCores)}; {work.MemoryText(bestTo, bestTask)}";
            gone.Add(bestTask.Pid);
            work.Plan(bestTask, bestFrom, bestTo, reason);
        }

        if (sources.Any(s => s.HarmCores(s.Demand) > 0))
        {
            work.NoteCapIfReached();
        }
    }

    /// <summary>
    /// The LC harm (cores) moving <paramref name="task"/> off <paramref name="source"/> sheds: harm(demand) -
    /// harm(demand - task). With <c>migrate.persist_age</c> at most harm(stay + task) - harm(stay), stay being the
    /// source's other demand that is likely to stay: each other task of the round's start that has not been
    /// moved away counts cpu x age / (age + persist_age), demand moved in this round counts in full.
    /// </summary>
    internal static double Shed(RoundWork work, NodeWork source, TaskSnapshot task, IReadOnlySet<int> gone)
    {
        var cores = DecisionEngine.DemandOf(task);
        var now = source.HarmCores(source.Demand) - source.HarmCores(source.Demand - cores);
        var persistAge = work.Policy.PersistAge;
        if (persistAge <= TimeSpan.Zero || now <= 0)
        {
            return now;
        }

        var stay = 0.0;
        var left = 0.0;
        foreach (var other in source.Tasks)
        {
            if (gone.Contains(other.Pid))
            {
                continue;
            }

            var demand = DecisionEngine.DemandOf(other);
            left += demand;
            if (other.Pid != task.Pid)
            {
                var age = work.State.AgeOf(other.Pid, other.StartTime, work.Now);
                stay += demand * (age / (age + persistAge));
            }
        }

        stay += Math.Max(0, source.Demand - left);
        return Math.Min(now, source.HarmCores(stay + cores) - source.HarmCores(stay));
    }

    /// <summary>1 + the task's observed age / <c>migrate.age_credit</c>; 1 when the key is off.</summary>
    private static double Credit(RoundWork work, TaskSnapshot task) =>
        work.Policy.AgeCredit > TimeSpan.Zero
            ? 1 + (work.State.AgeOf(task.Pid, task.StartTime, work.Now) / work.Policy.AgeCredit)
            : 1;

    private static bool Better(double gain, TaskSnapshot task, NodeWork target, double bestGain, TaskSnapshot? bestTask, NodeWork? bestTo)
    {
        const double Tie = 1e-9;
        if (bestTask is null || gain > bestGain + Tie)
        {
            return true;
        }

        if (gain < bestGain - Tie)
        {
            return false;
        }

        var (rss, bestRss) = (task.RssBytes ?? 0, bestTask.RssBytes ?? 0);
        if (rss != bestRss)
        {
            return rss < bestRss;
        }

        if (task.Pid != bestTask.Pid)
        {
            return task.Pid < bestTask.Pid;
        }

        return target.Room > bestTo!.Room;
    }
}
