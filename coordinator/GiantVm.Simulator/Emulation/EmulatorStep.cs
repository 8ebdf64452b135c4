using System.Collections.Immutable;
using System.Globalization;
using GiantVm.Scheduling.Cluster;

namespace GiantVm.Simulator.Emulation;

/// <summary>
/// The emulator's pure step: from the state at <c>state.Time</c> to the state at <c>now</c>.
/// 1. Each host shares its CPUs between its LC load (from the timeline) and its node's vCPU
///    threads with the simulator's cluster model (<see cref="HostCpuModel"/>); guest demand not
///    served is steal. Counters advance over the elapsed time.
/// 2. Page migrations in progress advance at the scenario's rate (FIFO, one shared rate).
/// 3. New move requests are checked and taken: the task's affinity (and so its CPU demand)
///    moves at once, its pages from the next step on.
/// </summary>
internal static class EmulatorStep
{
    /// <summary>Share of LC CPU time counted as system time (the rest is user time).</summary>
    public const double LcSystemShare = 0.1;

    public static StepResult Advance(EmulatorState state, EmulationScenario scenario, double now, IReadOnlyList<MoveRequest> requests) =>
        Advance(state, scenario, now, requests, []);

    /// <param name="lcChanges">LC changes asked for at run time; each starts at <paramref name="now"/>.</param>
    public static StepResult Advance(EmulatorState state, EmulationScenario scenario, double now, IReadOnlyList<MoveRequest> requests, IReadOnlyList<LcChange> lcChanges)
    {
        var events = new List<string>();
        foreach (var change in lcChanges)
        {
            if (change.Node < 0 || change.Node >= scenario.Nodes.Count)
            {
                events.Add($"LC change for node {change.Node} ignored: no such node");
                continue;
            }

            var from = LcTimeline.LoadAt(scenario, change.Node, state.Time, state.InjectedLc);
            state = state with { InjectedLc = state.InjectedLc.Add(change with { AtSeconds = state.Time }) };
            events.Add(change.OverSeconds > 0
                ? $"node {change.Node} LC load {Pct(from)} -> {Pct(change.To)} over {F(change.OverSeconds)}s (control/lc)"
                : $"node {change.Node} LC load {Pct(from)} -> {Pct(change.To)} (control/lc)");
        }

        var completions = new List<MoveCompletion>();
        var dt = Math.Max(0, now - state.Time);
        foreach (var change in scenario.LcTimeline)
        {
            var starts = change.AtSeconds > state.Time || (change.AtSeconds == 0 && state.Time == 0);
            if (starts && change.AtSeconds <= now && now > state.Time)
            {
                var from = LcTimeline.LoadAt(scenario, change.Node, change.AtSeconds, state.InjectedLc);
                events.Add(change.OverSeconds > 0
                    ? $"node {change.Node} LC load {Pct(from)} -> {Pct(change.To)} over {F(change.OverSeconds)}s"
                    : $"node {change.Node} LC load {Pct(from)} -> {Pct(change.To)}");
            }
        }

        var (hosts, guest, tasks, figures) = Run(state, scenario, now, dt);
        var moved = AdvanceMoves(state.Moves, tasks, scenario, dt, now, completions, events);
        var taken = Take(state, moved, tasks, scenario, now, requests, completions, events);

        var done = completions.Count(c => c.Status == MoveCompletion.Done);
        var next = state with
        {
            Time = Math.Max(now, state.Time),
            Hosts = hosts,
            GuestPerCpu = guest,
            Tasks = [.. tasks],
            Moves = taken.Moves,
            SeenCommands = taken.Seen,
            Figures = figures,
            MovesDone = state.MovesDone + done,
            MovesRefused = state.MovesRefused + completions.Count - done,
        };
        return new StepResult(next, completions, events);
    }

    /// <summary>The cluster model over one step: counters and figures per node, CPU served per task.</summary>
    private static (ImmutableArray<HostCounters>, ImmutableArray<CpuCounters>, EmulatedTask[], ImmutableArray<NodeFigures>) Run(
        EmulatorState state, EmulationScenario scenario, double now, double dt)
    {
        var n = scenario.Nodes.Count;
        var hosts = state.Hosts.ToBuilder();
        var guest = state.GuestPerCpu.ToBuilder();
        var figures = ImmutableArray.CreateBuilder<NodeFigures>(n);
        var beDemand = new double[n];
        foreach (var t in state.Tasks)
        {
            beDemand[t.CpuNode] += t.DemandCores;
        }

        var servedShare = new double[n];
        for (var k = 0; k < n; k++)
        {
            var node = scenario.Nodes[k];
            var load = LcTimeline.LoadAt(scenario, k, now, state.InjectedLc);
            var demand = beDemand[k] + node.GuestSystemCores;
            var h = scenario.CpuModel(k).Evaluate(node.Cpus, load * node.Cpus, demand);
            servedShare[k] = demand > 0 ? h.ServedGuest / demand : 0;
            figures.Add(new NodeFigures(load, h.LcDemand, h.ServedLc, beDemand[k], h.GuestDemand, h.ServedGuest, h.StealRatio));

            // guest: each vCPU of the node wants G/V and gets servedG/V; the rest of what it wants is steal
            var wanted = h.GuestDemand / node.Vcpus;
            var got = h.ServedGuest / node.Vcpus;
            var beShare = demand > 0 ? beDemand[k] / demand : 0;
            guest[k] = guest[k].Add(got * beShare * dt, got * (1 - beShare) * dt, (1 - wanted) * dt, (wanted - got) * dt, 0);

            // host: LC and the vCPU threads (guest time, included in user time) spread over its CPUs
            var c = (double)node.Cpus;
            var lcUser = h.ServedLc * (1 - LcSystemShare);
            var lcSystem = h.ServedLc * LcSystemShare;
            var idle = Math.Max(0, c - h.ServedLc - h.ServedGuest);
            var host = hosts[k];
            hosts[k] = host with
            {
                PerCpu = host.PerCpu.Add((lcUser + h.ServedGuest) / c * dt, lcSystem / c * dt, idle / c * dt, 0, h.ServedGuest / c * dt),
                LcUserSeconds = host.LcUserSeconds + (lcUser * dt),
                LcSystemSeconds = host.LcSystemSeconds + (lcSystem * dt),
                VcpuRunSeconds = host.VcpuRunSeconds + (got * dt),
                VcpuDelaySeconds = host.VcpuDelaySeconds + ((wanted - got) * dt),
                LcDelaySeconds = host.LcDelaySeconds + (Math.Max(0, h.LcDemand - h.ServedLc) * dt),
            };
        }

        var tasks = new EmulatedTask[state.Tasks.Length];
        for (var i = 0; i < tasks.Length; i++)
        {
            var t = state.Tasks[i];
            var served = t.DemandCores * servedShare[t.CpuNode];
            tasks[i] = t with { CpuSeconds = t.CpuSeconds + (served * dt), ServedCores = served };
        }

        return (hosts.MoveToImmutable(), guest.MoveToImmutable(), tasks, figures.MoveToImmutable());
    }

    private static ImmutableArray<PendingMove> AdvanceMoves(
        ImmutableArray<PendingMove> moves, EmulatedTask[] tasks, EmulationScenario scenario, double dt, double now,
        List<MoveCompletion> completions, List<string> events)
    {
        var budget = scenario.MigrateBytesPerSecond * dt;
        var remaining = ImmutableArray.CreateBuilder<PendingMove>();
        foreach (var move in moves)
        {
            var index = Array.FindIndex(tasks, t => t.Pid == move.Request.Pid);
            var task = tasks[index];
            var pages = task.Pages.ToArray();
            var to = move.Request.ToNode;
            var allowedBytes = budget + move.BytesCarry;
            var canMove = (long)(allowedBytes / EmulationScenario.PageSize);
            var movedNow = 0L;
            for (var k = 0; k < pages.Length && movedNow < canMove; k++)
            {
                if (k == to || !IsFrom(move.Request, k))
                {
                    continue;
                }

                var m = Math.Min(pages[k], canMove - movedNow);
                pages[k] -= m;
                pages[to] += m;
                movedNow += m;
            }

            var usedBytes = (double)movedNow * EmulationScenario.PageSize;
            tasks[index] = task with { Pages = [.. pages] };
            var left = Enumerable.Range(0, pages.Length).Where(k => k != to && IsFrom(move.Request, k)).Sum(k => pages[k]);
            if (left > 0)
            {
                // the rate ran out on this move: keep the fraction of a page for the next step
                remaining.Add(move with { BytesCarry = allowedBytes - usedBytes });
                budget = 0;
                continue;
            }

            budget = Math.Max(0, allowedBytes - usedBytes);

            var before = ToMap(move.PagesBefore);
            var after = ToMap([.. pages]);
            var total = Enumerable.Range(0, pages.Length).Where(k => k != to && IsFrom(move.Request, k)).Sum(k => move.PagesBefore[k]);
            var affinity = CpuList(scenario, to);
            completions.Add(new MoveCompletion(move.Request.CommandId, task.Pid, MoveCompletion.Done, "", to, before, after,
                total, 0, move.AffinityBefore, affinity, move.AcceptedAt, now));
            events.Add($"move {move.Request.CommandId}: pid {task.Pid} ({task.Comm}) now on node {to}: {total} pages in {F(now - move.AcceptedAt)}s");
        }

        return remaining.ToImmutable();
    }

    private static (ImmutableArray<PendingMove> Moves, ImmutableHashSet<string> Seen) Take(
        EmulatorState state, ImmutableArray<PendingMove> moves, EmulatedTask[] tasks, EmulationScenario scenario, double now,
        IReadOnlyList<MoveRequest> requests, List<MoveCompletion> completions, List<string> events)
    {
        var seen = state.SeenCommands;
        var pending = moves.ToBuilder();
        foreach (var request in requests)
        {
            if (seen.Contains(request.CommandId))
            {
                continue;
            }

            seen = seen.Add(request.CommandId);
            var index = Array.FindIndex(tasks, t => t.Pid == request.Pid);
            string? refusal = null;
            var status = MoveCompletion.Failed;
            if (index < 0)
            {
                (status, refusal) = (MoveCompletion.Vanished, $"no such process: pid {request.Pid}");
            }
            else if (request.StartTimeTicks is { } start && start != tasks[index].StartTicks)
            {
                (status, refusal) = (MoveCompletion.Vanished, $"pid {request.Pid} is a different process (start time {tasks[index].StartTicks}, expected {start})");
            }
            else if (request.ToNode < 0 || request.ToNode >= scenario.Nodes.Count)
            {
                refusal = $"node {request.ToNode} does not exist (nodes 0-{scenario.Nodes.Count - 1})";
            }
            else if (request.FromNodes.FirstOrDefault(f => f < 0 || f >= scenario.Nodes.Count, -1) is var bad && bad >= 0)
            {
                refusal = $"from node {bad} does not exist (nodes 0-{scenario.Nodes.Count - 1})";
            }
            else if (pending.FirstOrDefault(m => m.Request.Pid == request.Pid) is { } busy)
            {
                refusal = $"pid {request.Pid} is already moving (command {busy.Request.CommandId})";
            }

            if (refusal is not null)
            {
                completions.Add(MoveCompletion.Refused(request, status, refusal, now));
                events.Add($"move {request.CommandId}: pid {request.Pid} -> node {request.ToNode} {status}: {refusal}");
                continue;
            }

            var task = tasks[index];
            pending.Add(new PendingMove(request, now, task.Pages, CpuList(scenario, task.CpuNode), 0));
            tasks[index] = task with { CpuNode = request.ToNode };
            events.Add($"move {request.CommandId}: pid {task.Pid} ({task.Comm}) node {task.PageNode} -> {request.ToNode}: affinity set, {task.TotalPages} pages to migrate");
        }

        return (pending.ToImmutable(), seen);
    }

    private static bool IsFrom(MoveRequest request, int node) => request.FromNodes.Count == 0 || request.FromNodes.Contains(node);

    private static Dictionary<int, long> ToMap(ImmutableArray<long> pages)
    {
        var map = new Dictionary<int, long>();
        for (var k = 0; k < pages.Length; k++)
        {
            if (pages[k] > 0)
            {
                map[k] = pages[k];
            }
        }

        return map;
    }

    /// <summary>The guest CPU list of node <paramref name="node"/> in Linux list format.</summary>
    public static string CpuList(EmulationScenario scenario, int node)
    {
        var first = scenario.CpuOffsets()[node];
        var count = scenario.Nodes[node].Vcpus;
        return count == 1 ? Str(first) : $"{Str(first)}-{Str(first + count - 1)}";
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Pct(double v) => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
