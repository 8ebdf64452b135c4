namespace GiantVm.Linux;

/// <summary>The online NUMA nodes of /sys/devices/system/node, in id order.</summary>
public sealed record NumaTopology(IReadOnlyList<NumaNode> Nodes)
{
    private readonly Dictionary<int, int> _cpuToNode = BuildCpuMap(Nodes);

    /// <summary>The node a CPU belongs to, null when no node lists it.</summary>
    public int? NodeOfCpu(int cpu) => _cpuToNode.TryGetValue(cpu, out var node) ? node : null;

    private static Dictionary<int, int> BuildCpuMap(IReadOnlyList<NumaNode> nodes)
    {
        var map = new Dictionary<int, int>();
        foreach (var node in nodes)
        {
            foreach (var cpu in node.Cpus)
            {
                map.TryAdd(cpu, node.Id);
            }
        }

        return map;
    }
}
