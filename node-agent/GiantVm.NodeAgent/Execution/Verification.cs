using GiantVm.Linux;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// After acting: reads Cpus_allowed_list (of the process and of every thread) and numa_maps
/// again and turns them into the outcome: failed when a thread is not within the target's
/// CPUs, partial when pages stayed on other nodes, done otherwise.
/// </summary>
internal static class Verification
{
    public static MigrationOutcome Finish(PreparedMove move, ITaskInspector inspector, TimeSpan elapsed, string toolError)
    {
        var r = move.Request;
        var before = move.PagesBefore ?? new Dictionary<int, ulong>();
        var affinityBefore = move.Status.CpusAllowedList;
        var stat = inspector.Stat(r.Pid);
        var status = stat is not null && stat.StartTime == r.StartTime ? inspector.Status(r.Pid) : null;
        if (status is null)
        {
            return new MigrationOutcome(ExecutionStatus.Vanished, before, new Dictionary<int, ulong>(), 0, 0, affinityBefore, "", elapsed,
                Join($"process {r.Pid} exited during the move", toolError));
        }

        var target = move.Target.Cpus.ToHashSet();
        var problems = new List<string>();
        if (!Within(status.CpusAllowedList, target))
        {
            problems.Add($"affinity is {status.CpusAllowedList}, not within node {move.Target.Id}'s CPUs {move.Target.CpuList}");
        }

        var strayThreads = inspector.Threads(r.Pid)
            .Where(tid => inspector.ThreadStatus(r.Pid, tid) is { } ts && !Within(ts.CpusAllowedList, target))
            .ToList();
        if (strayThreads.Count > 0)
        {
            problems.Add($"{strayThreads.Count} thread(s) outside node {move.Target.Id}'s CPUs (tid {string.Join(",", strayThreads.Take(5))})");
        }

        var afterMaps = inspector.NumaMaps(r.Pid);
        var after = afterMaps?.PagesPerNode ?? new Dictionary<int, ulong>();
        var outsideBefore = Outside(before, r.ToNode);
        var left = Outside(after, r.ToNode);
        var moved = move.PagesBefore is not null && afterMaps is not null && outsideBefore > left ? outsideBefore - left : 0;

        if (problems.Count > 0)
        {
            return new MigrationOutcome(ExecutionStatus.Failed, before, after, moved, left, affinityBefore, status.CpusAllowedList, elapsed,
                Join(string.Join("; ", problems), toolError));
        }

        if (afterMaps is null)
        {
            // CPUs verified, pages could not be: say so rather than claim them moved
            return new MigrationOutcome(toolError.Length > 0 ? ExecutionStatus.Failed : ExecutionStatus.Done, before, after, 0, 0,
                affinityBefore, status.CpusAllowedList, elapsed, Join("numa_maps not readable: pages not verified", toolError));
        }

        return new MigrationOutcome(left > 0 ? ExecutionStatus.Partial : ExecutionStatus.Done, before, after, moved, left,
            affinityBefore, status.CpusAllowedList, elapsed, toolError);
    }

    private static bool Within(string list, HashSet<int> cpus)
    {
        var parsed = ListFormat.Parse(list);
        return parsed.Length > 0 && parsed.All(cpus.Contains);
    }

    private static ulong Outside(IReadOnlyDictionary<int, ulong> pages, int node) =>
        pages.Where(kv => kv.Key != node).Aggregate(0UL, (sum, kv) => sum + kv.Value);

    private static string Join(string a, string b) => b.Length == 0 ? a : a.Length == 0 ? b : a + "; " + b;
}
