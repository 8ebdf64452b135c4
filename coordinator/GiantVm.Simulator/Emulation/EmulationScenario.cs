using GiantVm.Scheduling.Cluster;

namespace GiantVm.Simulator.Emulation;

/// <summary>
/// What <c>giantvm-sim emulate</c> runs: N hosts (one virtual NUMA node each), one guest with
/// its BE tasks, and an LC load timeline per host. Read from YAML by <see cref="ScenarioLoader"/>.
/// </summary>
/// <param name="Name">Shown in logs and status.json.</param>
/// <param name="StepSeconds">Model step: the files are rewritten this often.</param>
/// <param name="DurationSeconds">Stop after this long; null runs until stopped.</param>
/// <param name="VmWeight">CFS weight of the vCPU threads (LC side: <paramref name="LcWeight"/>).</param>
/// <param name="MigrateBytesPerSecond">How fast the emulated kernel migrates a task's pages.</param>
/// <param name="BeCgroup">The guest's BE cgroup (cgroup v2 path) whose cgroup.procs lists the BE tasks.</param>
/// <param name="LcCgroup">Each host's LC cgroup (cgroup v2 path) with a cpu.stat.</param>
/// <param name="NumaBalancing">The guest's kernel.numa_balancing value.</param>
internal sealed record EmulationScenario(
    string Name,
    double StepSeconds,
    double? DurationSeconds,
    double VmWeight,
    double LcWeight,
    double MigrateBytesPerSecond,
    string BeCgroup,
    string LcCgroup,
    int NumaBalancing,
    IReadOnlyList<ScenarioNode> Nodes,
    IReadOnlyList<ScenarioTaskGroup> Tasks,
    IReadOnlyList<LcChange> LcTimeline)
{
    public const int PageSize = 4096;

    /// <summary>The per-host CPU model of node <paramref name="node"/> (shared with the simulator).</summary>
    public HostCpuModel CpuModel(int node) =>
        new(Nodes[node].Vcpus / (double)Nodes[node].Cpus, VmWeight, LcWeight);

    /// <summary>First guest CPU id of each node (node k owns [offset, offset + vcpus)).</summary>
    public int[] CpuOffsets()
    {
        var offsets = new int[Nodes.Count];
        var next = 0;
        for (var i = 0; i < Nodes.Count; i++)
        {
            offsets[i] = next;
            next += Nodes[i].Vcpus;
        }

        return offsets;
    }

    public int GuestCpuCount => Nodes.Sum(n => n.Vcpus);
}

/// <summary>One physical host and its virtual NUMA node.</summary>
/// <param name="Cpus">Host CPUs (the capacity C in cores).</param>
/// <param name="Vcpus">The node's vCPUs in the guest.</param>
/// <param name="MemoryBytes">The node's guest memory (also the host's memory).</param>
/// <param name="LcLoad">LC load at the start, as a fraction of the host's CPUs.</param>
/// <param name="GuestSystemCores">Non-BE guest work on the node (guest system time), in cores.</param>
internal sealed record ScenarioNode(int Cpus, int Vcpus, long MemoryBytes, double LcLoad, double GuestSystemCores);

/// <summary><paramref name="Count"/> identical BE tasks started on <paramref name="Node"/>.</summary>
/// <param name="CpuCores">CPU demand of each task, in cores.</param>
/// <param name="RssBytes">Resident memory of each task.</param>
internal sealed record ScenarioTaskGroup(string Comm, int Count, double CpuCores, long RssBytes, int Node, int Threads);

/// <summary>At <paramref name="AtSeconds"/>, node <paramref name="Node"/>'s LC load starts moving
/// linearly to <paramref name="To"/> (fraction of its CPUs), reaching it <paramref name="OverSeconds"/> later.</summary>
internal sealed record LcChange(double AtSeconds, int Node, double To, double OverSeconds, int Line);
