using GiantVm.Linux;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// The agent's BE selection asked about one process (the sampler's <see cref="BeTaskSelector"/>
/// answers for all of them): its comm matches, it is listed in the pid file, or it is in the BE
/// cgroup or below. Kernel threads and the agent itself are refused separately by the executor.
/// A pid file that is not trusted (<see cref="PidFileTrust"/>: owner or mode changed since the
/// agent started) selects nothing.
/// </summary>
internal sealed class BeClassifier
{
    private readonly BeSelection _selection;
    private readonly CgroupFs? _cgroups;

    public BeClassifier(BeSelection selection, CgroupFs? cgroups)
    {
        _selection = selection;
        _cgroups = cgroups;
    }

    public bool IsBe(PidStat stat)
    {
        if (_selection.Comm is { } comm && comm.IsMatch(stat.Comm))
        {
            return true;
        }

        if (_selection.PidFile is { } file && File.Exists(file) && PidFileTrust.Check(file) is null
            && PidList.Parse(File.ReadAllText(file), file).Contains(stat.Pid))
        {
            return true;
        }

        return _selection.CgroupPath is { } cgroup && _cgroups is not null && _cgroups.V2Exists(cgroup)
            && _cgroups.ReadProcs(cgroup, recursive: true).Contains(stat.Pid);
    }
}
