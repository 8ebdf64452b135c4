using GiantVm.Linux;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// Finds the BE tasks of one sample and reads their stat and status (and numa_maps when asked).
/// Pid 1, kernel threads and the agent's own process are never BE tasks; processes that vanish while
/// being read are skipped.
/// Every sample reads each task's stat (CPU time, RSS, last CPU, threads); its status (affinity
/// lists) is read when the process instance is first seen and then every
/// <see cref="StatusRefreshSamples"/> samples: one file per task instead of two halves the cost
/// of a sample, and affinity changes rarely (the executor re-reads it to verify a move).
/// </summary>
internal sealed class BeTaskSelector
{
    private readonly ProcFs _proc;
    private readonly CgroupFs? _cgroups;
    private readonly BeSelection _selection;
    private readonly int? _excludePid;
    private readonly Dictionary<int, (ulong StartTime, PidStatus Status, long ReadAt)> _status = [];
    private long _samples;

    public BeTaskSelector(ProcFs proc, CgroupFs? cgroups, BeSelection selection, int? excludePid, int statusRefreshSamples = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusRefreshSamples, 1);
        StatusRefreshSamples = statusRefreshSamples;
        if (selection.CgroupPath is not null && cgroups is null)
        {
            throw new ArgumentException("--be-cgroup needs a cgroup root", nameof(cgroups));
        }

        _proc = proc;
        _cgroups = cgroups;
        _selection = selection;
        _excludePid = excludePid;
    }

    public int StatusRefreshSamples { get; }

    /// <summary>The cgroup layout in use, when BE tasks come from a cgroup.</summary>
    public CgroupLayout? CgroupLayout => _selection.CgroupPath is null ? null : _cgroups?.Layout;

    /// <summary>Forgets a task's cached status (after acting on it), so the next sample re-reads it.</summary>
    public void Invalidate(int pid) => _status.Remove(pid);

    public IReadOnlyList<TaskSample> Read(bool withNumaMaps)
    {
        _samples++;
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
            if (stat.IsKernelThread || pid == 1 || pid == _excludePid)
            {
                continue;
            }

            var status = Status(pid, stat.StartTime);
            if (status is null)
            {
                continue;
            }

            var maps = withNumaMaps ? _proc.TryReadNumaMaps(pid) : null;
            tasks.Add(new TaskSample(stat, status, maps));
        }

        if (_status.Count > stats.Count)
        {
            foreach (var gone in _status.Keys.Where(pid => !stats.ContainsKey(pid)).ToList())
            {
                _status.Remove(gone);
            }
        }

        return tasks;
    }

    private PidStatus? Status(int pid, ulong startTime)
    {
        if (_status.TryGetValue(pid, out var cached) && cached.StartTime == startTime && _samples - cached.ReadAt < StatusRefreshSamples)
        {
            return cached.Status;
        }

        var status = _proc.TryReadPidStatus(pid);
        if (status is null)
        {
            _status.Remove(pid);
            return null;
        }

        _status[pid] = (startTime, status, _samples);
        return status;
    }
}
