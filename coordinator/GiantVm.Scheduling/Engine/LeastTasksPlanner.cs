using GiantVm.Scheduling.Model;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// <c>least-tasks</c> (baseline, steal ignored): while some node holds at least two BE tasks more
/// than an eligible node, move a task from the fullest node to the emptiest (ties: lowest id,
/// lowest pid). Memory, anti-flap rules and caps still apply.
/// </summary>
internal static class LeastTasksPlanner
{
    public static void Plan(RoundWork work)
    {
        // Each node's tasks in pid order, sorted only when the node is first used as a source.
        var remaining = new Dictionary<int, List<TaskSnapshot>>();
        List<TaskSnapshot> Remaining(NodeWork n)
        {
            if (!remaining.TryGetValue(n.Id, out var list))
            {
                list = n.Tasks.OrderBy(t => t.Pid).ToList();
                remaining.Add(n.Id, list);
            }

            return list;
        }

        while (work.RoundHasRoom)
        {
            var moved = false;
            var sources = work.Nodes.Where(n => n.Fresh && work.CanLeave(n) && n.TaskCount > 0 && (!remaining.TryGetValue(n.Id, out var r) || r.Count > 0))
                .OrderByDescending(n => n.TaskCount).ThenBy(n => n.Id);
            var fewest = work.Nodes.Where(n => n.CanBeTarget && work.CanEnter(n)).Select(n => n.TaskCount).DefaultIfEmpty(int.MaxValue).Min();
            foreach (var source in sources)
            {
                if (source.TaskCount - fewest <= 1)
                {
                    break; // sources come fullest first: no later one can be evened out either
                }

                foreach (var task in Remaining(source))
                {
                    if (!work.IsMovable(task))
                    {
                        continue;
                    }

                    NodeWork? best = null;
                    foreach (var t in work.TargetsFor(source, task))
                    {
                        if (best is null || t.TaskCount < best.TaskCount)
                        {
                            best = t;
                        }
                    }

                    if (best is null || source.TaskCount - best.TaskCount <= 1)
                    {
                        continue;
                    }

                    var reason = $"least-tasks: node {source.Id} has {source.TaskCount} BE tasks, node {best.Id} has {best.TaskCount} " +
                                 $"(steal ignored: {Reasons.F(source.Smoothed)} vs {Reasons.F(best.Smoothed)}); {work.MemoryText(best, task)}";
                    work.Plan(task, source, best, reason);
                    Remaining(source).Remove(task);
                    moved = true;
                    break;
                }

                if (moved)
                {
                    break;
                }
            }

            if (!moved)
            {
                return;
            }
        }

        work.NoteCapIfReached();
    }
}
