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
        var nodes = work.Nodes;
        // Per node (by its index in work.Nodes), made when the node is first used as a source: its
        // movable tasks in pid order, and how many of its tasks have not been moved yet. Whether a
        // task is movable does not change within a round, so the others are skipped once, here.
        var movable = new List<TaskSnapshot>?[nodes.Count];
        var remaining = new int[nodes.Count];
        var sources = new NodeWork[nodes.Count];
        var sourceIndex = new int[nodes.Count];

        while (work.RoundHasRoom)
        {
            // Sources: fullest first, ties by id (the nodes are in id order and the sort is stable).
            var count = 0;
            var fewest = int.MaxValue;
            for (var i = 0; i < nodes.Count; i++)
            {
                var n = nodes[i];
                if (n.Fresh && work.CanLeave(n) && n.TaskCount > 0 && (movable[i] is null || remaining[i] > 0))
                {
                    var at = count++;
                    while (at > 0 && sources[at - 1].TaskCount < n.TaskCount)
                    {
                        sources[at] = sources[at - 1];
                        sourceIndex[at] = sourceIndex[at - 1];
                        at--;
                    }

                    sources[at] = n;
                    sourceIndex[at] = i;
                }

                if (n.CanBeTarget && work.CanEnter(n) && n.TaskCount < fewest)
                {
                    fewest = n.TaskCount;
                }
            }

            var moved = false;
            for (var s = 0; s < count && !moved; s++)
            {
                var source = sources[s];
                if (source.TaskCount - fewest <= 1)
                {
                    break; // sources come fullest first: no later one can be evened out either
                }

                var i = sourceIndex[s];
                if (movable[i] is null)
                {
                    movable[i] = MovableInPidOrder(work, source.Tasks);
                    remaining[i] = source.Tasks.Count;
                }

                var tasks = movable[i]!;
                for (var k = 0; k < tasks.Count; k++)
                {
                    var task = tasks[k];
                    var last = work.State.LastMoveOf(task.Pid, task.StartTime);
                    NodeWork? best = null;
                    foreach (var t in nodes)
                    {
                        if ((best is null || t.TaskCount < best.TaskCount) && work.IsTarget(source, t, task, last))
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
                    tasks.RemoveAt(k);
                    remaining[i]--;
                    moved = true;
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

    /// <summary>The tasks that may move this round, in pid order (stable: equal pids keep their order).</summary>
    private static List<TaskSnapshot> MovableInPidOrder(RoundWork work, List<TaskSnapshot> tasks)
    {
        var movable = new List<TaskSnapshot>(tasks.Count);
        foreach (var task in tasks)
        {
            if (work.IsMovable(task))
            {
                var at = movable.Count;
                movable.Add(task);
                while (at > 0 && movable[at - 1].Pid > task.Pid)
                {
                    movable[at] = movable[at - 1];
                    at--;
                }

                movable[at] = task;
            }
        }

        return movable;
    }
}
