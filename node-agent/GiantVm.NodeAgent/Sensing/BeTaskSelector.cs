using GiantVm.Linux;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// Finds the BE tasks of one sample and reads their stat and status (and numa_maps when asked).
/// Kernel threads and the agent's own process are never BE tasks; processes that vanish while
/// being read are skipped.
/// </summary>
internal sealed class BeTaskSelector
{
    private readonly ProcFs _proc;
    private readonly CgroupFs? _cgroups;
    private readonly BeSelection _selection;
    private readonly int? _excludePid;

    public BeTaskSelector(ProcFs proc, CgroupFs? cgroups, BeSelection selection, int? excludePid)
    {
        if (selection.CgroupPath is not null && cgroups is null)
        {
            throw new ArgumentException("--be-cgroup needs a cgroup root", nameof(cgroups));
        }

        _proc = proc;
        _cgroups = cgroups;
        _selection = selection;
        _excludePid = excludePid;
    }

    public IReadOnlyList<TaskSample> Read(bool withNumaMaps)
    {
        if (_selection.IsEmpty)
        {
            return [];
        }

        var stats = new SortedDictionary<int, PidStat>();
        if (_selection.Comm is { } comm)
        {
            foreach (var pid in _proc.ListPids())
            {
                if (_proc.TryReadPidStat(pid) is { } stat && comm.IsMatch(stat.Comm))
                {
                    stats[pid] = stat;
                }
            }
        }

        var listed = new List<int>();
        if (_selection.CgroupPath is { } cgroup)
        {
            listed.AddRange(_cgroups!.ReadProcs(cgroup, recursive: true));
        }

        if (_selection.PidFile is { } pidFile)
        {
            listed.AddRange(PidList.Parse(File.ReadAllText(pidFile), pidFile));
        }

        foreach (var pid in listed)
        {
            if (!stats.ContainsKey(pid) && _proc.TryReadPidStat(pid) is { } stat)
            {
                stats[pid] = stat;
            }
        }

        var tasks = new List<TaskSample>(stats.Count);
        foreach (var (pid, stat) in stats)
        {
            if (stat.IsKernelThread || pid == _excludePid)
            {
                continue;
            }

            var status = _proc.TryReadPidStatus(pid);
            if (status is null)
            {
                continue;
            }

            var maps = withNumaMaps ? _proc.TryReadNumaMaps(pid) : null;
            tasks.Add(new TaskSample(stat, status, maps));
        }

        return tasks;
    }
}
