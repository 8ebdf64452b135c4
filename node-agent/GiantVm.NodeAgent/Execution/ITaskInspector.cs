using GiantVm.Linux;

namespace GiantVm.NodeAgent.Execution;

/// <summary>What the executors read about a task and the machine (the real /proc and /sys, or a fake tree).</summary>
internal interface ITaskInspector
{
    /// <summary>/proc/&lt;pid&gt;/stat, null when the process is gone.</summary>
    PidStat? Stat(int pid);

    /// <summary>/proc/&lt;pid&gt;/status, null when the process is gone.</summary>
    PidStatus? Status(int pid);

    /// <summary>/proc/&lt;pid&gt;/task/&lt;tid&gt;/status, null when the thread is gone.</summary>
    PidStatus? ThreadStatus(int pid, int tid);

    /// <summary>/proc/&lt;pid&gt;/numa_maps, null when gone or not readable.</summary>
    NumaMaps? NumaMaps(int pid);

    /// <summary>Thread ids of the process, empty when it is gone.</summary>
    IReadOnlyList<int> Threads(int pid);

    /// <summary>The NUMA nodes and their CPUs now.</summary>
    NumaTopology Topology();

    /// <summary>Whether the agent's own BE selection (cgroup, comm, pid file) holds this process now.</summary>
    bool IsBe(PidStat stat);
}
