namespace GiantVm.NodeAgent.Execution;

/// <summary>sched_setaffinity for one thread; returns 0 or the errno (ESRCH: the thread exited).</summary>
internal interface IAffinitySetter
{
    int Set(int tid, IReadOnlyCollection<int> cpus);
}
