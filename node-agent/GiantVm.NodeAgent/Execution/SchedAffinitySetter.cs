using GiantVm.Linux.Syscalls;

namespace GiantVm.NodeAgent.Execution;

/// <summary>The real sched_setaffinity(2).</summary>
internal sealed class SchedAffinitySetter : IAffinitySetter
{
    public int Set(int tid, IReadOnlyCollection<int> cpus) => SchedAffinity.Set(tid, cpus);
}
