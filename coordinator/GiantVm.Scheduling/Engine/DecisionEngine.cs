using System.Collections.Immutable;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// The decision core: <c>Decide(snapshot, policy, state) -&gt; (decisions, state')</c>, pure (no I/O,
/// no clock, no shared mutable state). Durations are measured on the snapshot's time, so the
/// same policy behaves the same at 1 s rounds (live) and 300 s rounds (simulator). The
/// coordinator, <c>giantvmctl plan</c> and the simulator all call it.
/// </summary>
public static class DecisionEngine
{
    /// <summary>One round: smooth the signals, update hysteresis, plan the moves of the policy's mode.</summary>
    public static DecideResult Decide(Snapshot snapshot, Policy policy, DecisionState state)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);

        var now = RoundTime(snapshot, policy, state);
        var next = Prune(state, policy, now) with
        {
            Nodes = Smooth(snapshot, policy, state.Nodes),
            Sightings = policy.AgeCredit > TimeSpan.Zero || policy.PersistAge > TimeSpan.Zero ? DecisionState.Sight(state.Sightings, snapshot, now) : state.Sightings,
            Time = now,
            Round = state.Round + 1,
        };
        if (NothingToPlan(snapshot, policy, next, now))
        {
            // The planner would find no move and write no note: skip building the round (the
            // views, if anyone reads them, come from the same inputs).
            return new DecideResult([], next, new LazyNodeViews(snapshot, policy, next, now));
        }

        var work = new RoundWork(snapshot, policy, next, now, applyCaps: true);
        switch (policy.Mode)
        {
            case PolicyMode.AllBe:
                AllBePlanner.Plan(work);
                break;
            case PolicyMode.Balanced:
                BalancedPlanner.Plan(work);
                break;
            case PolicyMode.LeastTasks:
                LeastTasksPlanner.Plan(work);
                break;
            case PolicyMode.Random:
                RandomPlanner.Plan(work);
                break;
            case PolicyMode.None:
            default:
                break;
        }

        return new DecideResult(work.Decisions, work.Commit(), new LazyNodeViews(work)) { Notes = work.Notes };
    }

    /// <summary>
    /// True when the round's planner cannot move anything nor note anything, decided from the
    /// smoothed state alone: modes that act only on hot nodes (all-be, balanced, random) with no
    /// hot node; least-tasks with every node within one task of every other and room under the
    /// caps; none. Conservative: when in doubt, the round is planned.
    /// </summary>
    private static bool NothingToPlan(Snapshot snapshot, Policy policy, DecisionState next, DateTimeOffset now)
    {
        switch (policy.Mode)
        {
            case PolicyMode.AllBe:
            case PolicyMode.Balanced:
            case PolicyMode.Random:
                var nodes = snapshot.Nodes;
                for (var i = 0; i < nodes.Count; i++)
                {
                    if (next.Nodes.TryGetValue(nodes[i].Id, out var signal) && signal.Hot)
                    {
                        return false;
                    }
                }

                return true;
            case PolicyMode.LeastTasks:
                var minuteUsed = RoundWork.MovesWithinMinute(next.RecentMoves, now);
                return policy.MaxPerRound > 0 && minuteUsed < policy.MaxPerMinute && TaskCountsWithinOne(snapshot);
            default:
                return true;
        }
    }

    /// <summary>Every node (distinct ids) holds within one BE task of every other (tasks on unknown nodes do not count).</summary>
    private static bool TaskCountsWithinOne(Snapshot snapshot)
    {
        var nodes = snapshot.Nodes;
        if (nodes.Count > 32)
        {
            var byId = new Dictionary<int, int>();
            foreach (var node in nodes)
            {
                byId.TryAdd(node.Id, 0);
            }

            foreach (var task in snapshot.Tasks)
            {
                if (byId.TryGetValue(task.Node, out var c))
                {
                    byId[task.Node] = c + 1;
                }
            }

            return byId.Count == 0 || byId.Values.Max() - byId.Values.Min() <= 1;
        }

        Span<int> ids = stackalloc int[nodes.Count];
        Span<int> counts = stackalloc int[nodes.Count];
        var distinct = 0;
        foreach (var node in nodes)
        {
            if (!ids[..distinct].Contains(node.Id))
            {
                counts[distinct] = 0;
                ids[distinct++] = node.Id;
            }
        }

        foreach (var task in snapshot.Tasks)
        {
            var i = ids[..distinct].IndexOf(task.Node);
            if (i >= 0)
            {
                counts[i]++;
            }
        }

        if (distinct == 0)
        {
            return true;
        }

        var min = int.MaxValue;
        var max = int.MinValue;
        foreach (var c in counts[..distinct])
        {
            min = Math.Min(min, c);
            max = Math.Max(max, c);
        }

        return max - min <= 1;
    }

    /// <summary>
    /// A manual move of <paramref name="pid"/> to <paramref name="toNode"/>: refused when the task or
    /// the node is unknown, the task is already there, or the target is drained, stale or lacks
    /// memory. Cooldowns and caps do not apply to the operator.
    /// </summary>
    public static MoveCheck CheckMove(Snapshot snapshot, Policy policy, DecisionState state, int pid, int toNode)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);

        var task = snapshot.Tasks.FirstOrDefault(t => t.Pid == pid);
        if (task is null)
        {
            return new MoveCheck(null, $"no BE task with pid {pid} in the snapshot");
        }

        var work = new RoundWork(snapshot, policy, state, RoundTime(snapshot, policy, state), applyCaps: false);
        var target = work.Node(toNode);
        if (target is null)
        {
            return new MoveCheck(null, $"node {toNode} is not in the snapshot (nodes: {string.Join(", ", work.Nodes.Select(n => n.Id))})");
        }

        if (task.Node == toNode)
        {
            return new MoveCheck(null, $"task {pid} is already on node {toNode}");
        }

        if (target.Node.Drained)
        {
            return new MoveCheck(null, $"node {toNode} is drained");
        }

        if (!target.Fresh)
        {
            return new MoveCheck(null, $"node {toNode} is stale (report {target.Node.AgeSeconds:0.#}s old > stale_after {DurationText.Format(policy.StaleAfter)})");
        }

        if (!work.Fits(target, task))
        {
            return new MoveCheck(null, $"node {toNode} lacks memory: task {pid} needs {ByteSizeText.Format(work.MemoryNeeded(task)!.Value)} " +
                                       $"(RSS + {Reasons.F(policy.MemoryHeadroom)} headroom), {ByteSizeText.Format(target.FreeMemory!.Value)} free");
        }

        var from = work.Node(task.Node);
        var reason = $"manual: operator asked to move task {pid} from node {task.Node} (steal {Reasons.F(from?.Smoothed ?? 0)}) " +
                     $"to node {toNode} (steal {Reasons.F(target.Smoothed)}); {work.MemoryText(target, task)}";
        var decision = new Decision(task.Pid, task.StartTime, task.Comm, task.Node, toNode, policy.DryRun, reason)
        {
            RssBytes = task.RssBytes,
            CpuCores = task.CpuCores,
        };
        return new MoveCheck(decision, null);
    }

    /// <summary>
    /// <c>drain --evacuate</c>: every BE task off <paramref name="node"/>, each to the eligible node
    /// with the lowest expected steal that has the memory (counting the earlier moves). Caps,
    /// cooldowns, the return block and the minimum size do not apply. Tasks that fit nowhere stay
    /// and are named in <see cref="DecideResult.Notes"/>.
    /// </summary>
    public static DecideResult Evacuate(Snapshot snapshot, Policy policy, DecisionState state, int node)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);

        var now = RoundTime(snapshot, policy, state);
        var work = new RoundWork(snapshot, policy, Prune(state, policy, now) with { Time = now }, now, applyCaps: false);
        var source = work.Node(node);
        if (source is null)
        {
            work.Note($"node {node} is not in the snapshot");
            return new DecideResult([], state, work.Views()) { Notes = work.Notes };
        }

        foreach (var task in ByBenefit(source.Tasks))
        {
            var cores = DemandOf(task);
            NodeWork? best = null;
            var bestAfter = double.MaxValue;
            foreach (var t in work.TargetsFor(source, task, antiFlap: false))
            {
                if (t.EstimateWith(cores) is var after && after < bestAfter)
                {
                    best = t;
                    bestAfter = after;
                }
            }

            if (best is null)
            {
                work.Note($"task {task.Pid} stays on node {node}: no eligible target with {ByteSizeText.Format(work.MemoryNeeded(task) ?? 0)} free");
                continue;
            }

            var reason = $"evacuate: node {node} is being drained; node {best.Id} has the lowest expected steal of the nodes that can take " +
                         $"the task: {Reasons.F(best.Estimate)} -> {Reasons.F(bestAfter)} with it; {work.MemoryText(best, task)}";
            work.Plan(task, source, best, reason);
        }

        return new DecideResult(work.Decisions, work.Commit(), work.Views()) { Notes = work.Notes };
    }

    /// <summary>
    /// Where to start a new BE task of the given size (unknown = any size): the eligible node with
    /// the lowest expected steal with the task, that has the memory; ties to the lowest id.
    /// The state is read, not advanced.
    /// </summary>
    public static Advice Advise(Snapshot snapshot, Policy policy, DecisionState state, double? cpuCores, long? memoryBytes)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);

        var work = new RoundWork(snapshot, policy, state, RoundTime(snapshot, policy, state), applyCaps: false);
        var probe = new TaskSnapshot(-1, -1) { CpuCores = cpuCores, RssBytes = memoryBytes };
        var cores = DemandOf(probe);
        NodeWork? best = null;
        var bestAfter = double.MaxValue;
        foreach (var n in work.Nodes)
        {
            if (n.CanBeTarget && work.Fits(n, probe) && n.EstimateWith(cores) is var after && after < bestAfter)
            {
                best = n;
                bestAfter = after;
            }
        }

        var views = work.Views();
        if (best is null)
        {
            var why = work.Nodes.Count == 0 ? "no nodes are known" : "no node is fresh, undrained, not excluded and has the memory";
            return new Advice(null, why, views);
        }

        return new Advice(best.Id, $"node {best.Id} has the lowest expected steal {Reasons.F(bestAfter)} with the task" +
                                   $"{(best.Hot ? " (it is hot: every node is)" : "")}; {work.MemoryText(best, probe)}", views);
    }

    /// <summary>A task's CPU demand in cores; unknown counts as one core.</summary>
    internal static double DemandOf(TaskSnapshot task) => task.CpuCores is { } c && c >= 0 ? c : 1.0;

    /// <summary>Largest benefit first: most CPU, then least memory (cheaper), then lowest pid.</summary>
    internal static IEnumerable<TaskSnapshot> ByBenefit(IEnumerable<TaskSnapshot> tasks) =>
        tasks.OrderByDescending(DemandOf).ThenBy(t => t.RssBytes ?? 0).ThenBy(t => t.Pid);

    private static DateTimeOffset RoundTime(Snapshot snapshot, Policy policy, DecisionState state) =>
        snapshot.Time ?? (state.Time is { } last ? last + policy.Interval : DateTimeOffset.UnixEpoch);

    private static ImmutableSortedDictionary<int, NodeSignal> Smooth(Snapshot snapshot, Policy policy, ImmutableSortedDictionary<int, NodeSignal> previous)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<int, NodeSignal>();
        var nodes = snapshot.Nodes;
        var demand = policy.LcHarm ? BeDemandByNode(snapshot) : null;
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (builder.ContainsKey(node.Id))
            {
                continue;
            }

            var before = previous.TryGetValue(node.Id, out var b) ? b : null;
            if (RoundWork.IsFresh(node, policy))
            {
                var signal = NodeSignal.Next(before, Reading(node, policy, demand), policy);
                builder[node.Id] = policy.LcHarm
                    ? signal with { SmoothedLc = NodeSignal.NextLc(before?.SmoothedLc, LoadModel.LcCores(node), policy) }
                    : signal;
            }
            else if (before is not null)
            {
                builder[node.Id] = before;
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>A node's reading this round: its guest steal, or with <c>signal.lc_harm</c> max(steal, LC harm
    /// ratio): host overload over capacity, limited by <c>signal.lc_share</c>.</summary>
    internal static double Reading(NodeSnapshot node, Policy policy, Dictionary<int, double>? demandByNode) =>
        policy.LcHarm
            ? Math.Max(node.StealRatio, LoadModel.Harm(node, demandByNode?.GetValueOrDefault(node.Id) ?? 0, policy.LcShare))
            : node.StealRatio;

    /// <summary>BE demand (cores) per node id: the sum of its tasks' CPU.</summary>
    internal static Dictionary<int, double> BeDemandByNode(Snapshot snapshot)
    {
        var demand = new Dictionary<int, double>();
        foreach (var task in snapshot.Tasks)
        {
            demand[task.Node] = demand.GetValueOrDefault(task.Node) + DemandOf(task);
        }

        return demand;
    }

    private static DecisionState Prune(DecisionState state, Policy policy, DateTimeOffset now)
    {
        if (state.LastMoves.IsEmpty && state.RecentMoves.IsEmpty)
        {
            return state;
        }

        var memory = policy.Cooldown > policy.ReturnBlock ? policy.Cooldown : policy.ReturnBlock;
        var minute = TimeSpan.FromMinutes(1);
        List<int>? stale = null;
        foreach (var kv in state.LastMoves)
        {
            if (now - kv.Value.Time >= memory)
            {
                (stale ??= []).Add(kv.Key);
            }
        }

        var recent = state.RecentMoves;
        var within = RoundWork.MovesWithinMinute(recent, now);
        if (within < recent.Count)
        {
            recent = within == 0 ? [] : recent.RemoveAll(m => now - m.Time >= minute);
        }

        return stale is null && recent.Count == state.RecentMoves.Count
            ? state
            : state with { LastMoves = stale is null ? state.LastMoves : state.LastMoves.RemoveRange(stale), RecentMoves = recent };
    }
}
