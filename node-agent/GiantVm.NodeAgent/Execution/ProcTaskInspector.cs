using System.Globalization;
using GiantVm.Linux;

namespace GiantVm.NodeAgent.Execution;

/// <summary><see cref="ITaskInspector"/> over a proc and a sys tree (the real ones or fakes).</summary>
internal sealed class ProcTaskInspector : ITaskInspector
{
    private readonly ProcFs _proc;
    private readonly SysFs _sys;
    private readonly BeClassifier _classifier;

    public ProcTaskInspector(ProcFs proc, SysFs sys, BeClassifier classifier)
    {
        _proc = proc;
        _sys = sys;
        _classifier = classifier;
    }

    public PidStat? Stat(int pid) => _proc.TryReadPidStat(pid);

    public PidStatus? Status(int pid) => _proc.TryReadPidStatus(pid);

    // task/<tid>/ has the layout of /proc/<pid>/: read it as a proc root of its own
    public PidStatus? ThreadStatus(int pid, int tid) =>
        new ProcFs(_proc.Path(pid.ToString(CultureInfo.InvariantCulture), "task")).TryReadPidStatus(tid);

    public NumaMaps? NumaMaps(int pid) => _proc.TryReadNumaMaps(pid);

    public IReadOnlyList<int> Threads(int pid) => _proc.ListTasks(pid);

    public NumaTopology Topology() => _sys.ReadNumaTopology();

    public bool IsBe(PidStat stat) => _classifier.IsBe(stat);
}
