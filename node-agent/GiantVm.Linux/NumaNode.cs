namespace GiantVm.Linux;

/// <summary>One NUMA node: its CPUs (empty for a memory-only node) and its meminfo.</summary>
public sealed record NumaNode(int Id, IReadOnlyList<int> Cpus, MemInfo Memory)
{
    /// <summary>The CPU list in kernel list format ("0-3,8-11").</summary>
    public string CpuList => ListFormat.Format(Cpus);
}
