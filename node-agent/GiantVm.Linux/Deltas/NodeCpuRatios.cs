namespace GiantVm.Linux.Deltas;

/// <summary>Per-NUMA-node steal and busy ratios from per-CPU deltas.</summary>
public static class NodeCpuRatios
{
    public static IReadOnlyList<NodeCpuRatio> Compute(CpuDeltaSet deltas, NumaTopology topology)
    {
        var result = new List<NodeCpuRatio>(topology.Nodes.Count);
        foreach (var node in topology.Nodes)
        {
            var sum = default(CpuTimes);
            var counted = 0;
            foreach (var cpu in node.Cpus)
            {
                if (deltas.Valid.TryGetValue(cpu, out var d))
                {
                    sum += d;
                    counted++;
                }
            }

            var total = sum.Total;
            result.Add(total == 0
                ? new NodeCpuRatio(node.Id, null, null, counted, sum)
                : new NodeCpuRatio(node.Id, (double)sum.Steal / total, (double)sum.Busy / total, counted, sum));
        }

        return result;
    }

    /// <summary>Busy cores over all valid CPUs: d(busy)/d(total) x number of valid CPUs.</summary>
    public static double BusyCores(CpuDeltaSet deltas)
    {
        var sum = default(CpuTimes);
        foreach (var d in deltas.Valid.Values)
        {
            sum += d;
        }

        return sum.Total == 0 ? 0 : (double)sum.Busy / sum.Total * deltas.Valid.Count;
    }
}
