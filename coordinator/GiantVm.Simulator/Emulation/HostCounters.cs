namespace GiantVm.Simulator.Emulation;

/// <summary>Cumulative counters of one physical host.</summary>
/// <param name="PerCpu">Each host CPU's /proc/stat times (the load is spread evenly).</param>
/// <param name="LcUserSeconds">LC cgroup user CPU time (all CPUs).</param>
/// <param name="LcSystemSeconds">LC cgroup system CPU time.</param>
/// <param name="VcpuRunSeconds">Each local vCPU thread's time on a CPU (schedstat field 1).</param>
/// <param name="VcpuDelaySeconds">Each local vCPU thread's time runnable but waiting (run_delay, field 2).</param>
/// <param name="LcDelaySeconds">The LC service's threads' summed time runnable but waiting (LC demand not served).</param>
internal sealed record HostCounters(
    CpuCounters PerCpu,
    double LcUserSeconds,
    double LcSystemSeconds,
    double VcpuRunSeconds,
    double VcpuDelaySeconds,
    double LcDelaySeconds)
{
    public static readonly HostCounters Zero = new(default, 0, 0, 0, 0, 0);
}
