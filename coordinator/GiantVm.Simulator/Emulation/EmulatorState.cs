using System.Collections.Immutable;

namespace GiantVm.Simulator.Emulation;

/// <summary>
/// Everything the emulator knows at one moment; <see cref="EmulatorStep.Advance(EmulatorState, EmulationScenario, double, IReadOnlyList{MoveRequest}, IReadOnlyList{LcChange})"/> maps one state
/// to the next. Counters are cumulative seconds (only grow).
/// </summary>
/// <param name="Time">Seconds since the emulation started.</param>
/// <param name="GuestPerCpu">Per node: each of its vCPUs' /proc/stat times in the guest.</param>
/// <param name="SeenCommands">Command ids already taken (a repeated id is not run twice).</param>
internal sealed record EmulatorState(
    double Time,
    ImmutableArray<HostCounters> Hosts,
    ImmutableArray<CpuCounters> GuestPerCpu,
    ImmutableArray<EmulatedTask> Tasks,
    ImmutableArray<PendingMove> Moves,
    ImmutableHashSet<string> SeenCommands,
    ImmutableArray<NodeFigures> Figures,
    int MovesDone,
    int MovesRefused)
{
    /// <summary>LC changes injected at run time through <c>DIR/control/lc/</c> (their time is when they were read).</summary>
    public ImmutableList<LcChange> InjectedLc { get; init; } = [];

    /// <summary>Guest and host uptime when the emulation starts.</summary>
    public const double BootUptimeSeconds = 3600;

    /// <summary>The LC service's process id on every host (in the LC cgroup; one thread per host CPU).</summary>
    public const int LcPid = 1500;

    /// <summary>The QEMU process id on every host.</summary>
    public const int QemuPid = 2000;

    /// <summary>The first BE task's pid in the guest.</summary>
    public const int FirstTaskPid = 4100;

    public static EmulatorState Initial(EmulationScenario scenario)
    {
        var n = scenario.Nodes.Count;
        var boot = new CpuCounters(BootUptimeSeconds * 0.02, BootUptimeSeconds * 0.01, BootUptimeSeconds * 0.97, 0, 0);
        var hosts = Enumerable.Range(0, n).Select(_ => HostCounters.Zero with { PerCpu = boot }).ToImmutableArray();
        var guest = Enumerable.Repeat(boot, n).ToImmutableArray();
        var tasks = ImmutableArray.CreateBuilder<EmulatedTask>();
        var pid = FirstTaskPid;
        var index = 0;
        foreach (var group in scenario.Tasks)
        {
            for (var i = 0; i < group.Count; i++)
            {
                var pages = new long[n];
                pages[group.Node] = (group.RssBytes + EmulationScenario.PageSize - 1) / EmulationScenario.PageSize;
                var tids = Enumerable.Range(pid, group.Threads).ToImmutableArray();
                var start = (ulong)((BootUptimeSeconds - 60) * 100) + (ulong)(index * 7);
                tasks.Add(new EmulatedTask(pid, tids, group.Comm, start, group.CpuCores, group.Node, [.. pages], 0, 0));
                pid += group.Threads;
                index++;
            }
        }

        return new EmulatorState(0, hosts, guest, tasks.ToImmutable(), [], [],
            Enumerable.Repeat(NodeFigures.Zero, n).ToImmutableArray(), 0, 0);
    }

    /// <summary>The BE tasks' steal: each task's node steal ratio, weighted by the task's CPU demand.</summary>
    public double BeStealRatio
    {
        get
        {
            double demand = 0, weighted = 0;
            foreach (var t in Tasks)
            {
                demand += t.DemandCores;
                weighted += t.DemandCores * Figures[t.CpuNode].StealRatio;
            }

            return demand > 0 ? weighted / demand : 0;
        }
    }
}
