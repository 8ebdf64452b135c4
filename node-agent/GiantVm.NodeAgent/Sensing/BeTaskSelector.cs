using System.Text.RegularExpressions;
using GiantVm.Linux;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// Finds the BE tasks of one sample and reads their stat and status (and numa_maps when asked).
/// Pid 1, kernel threads and the agent's own process are never BE tasks; processes that vanish while
/// being read are skipped.
/// With <c>--be-comm</c>, only the comm of other processes is read (their stat when it matches:
/// see <see cref="SelectByComm"/>), and on a real procfs stat and comm files stay open between
/// samples (<see cref="PidFileCache"/>).
/// Every sample reads each task's stat (CPU time, RSS, last CPU, threads), except for a
/// single-threaded task whose schedstat says it has not run since its stat was read (on a real
/// procfs, through a file held open, so the same process instance): its stat cannot have changed
/// but for its RSS (reclaim), and it is re-read every <see cref="StatusRefreshSamples"/> samples at
/// the pid's slot. schedstat costs the kernel a fifth of stat, and idle tasks are the common case
/// (measured with 500 idle BE tasks: see docs/performance.md). Its status (affinity
/// lists) is read when the process instance is first seen and then every
/// <see cref="StatusRefreshSamples"/> samples: one file per task instead of two halves the cost
/// of a sample, and affinity changes rarely (the executor re-reads it to verify a move).
/// numa_maps (when asked) is read on first sight and then, while the task runs or its RSS changes,
/// every <see cref="NumaMapsEvery"/> samples at the pid's slot (see <see cref="RefreshSchedule"/>),
/// so re-reads spread evenly over samples; a task that neither ran nor changed its RSS since the
/// last read is re-read every <see cref="NumaMapsMaxAge"/> samples (its pages cannot have moved
/// unless another process moved them). In between the cached pages per node are reported. <see cref="Invalidate"/> (thread-safe) makes
/// the next sample re-read a task's status and numa_maps.
/// </summary>
internal sealed class BeTaskSelector : IDisposable
{
    private readonly ProcFs _proc;
    private readonly CgroupFs? _cgroups;
    private readonly BeSelection _selection;
    private readonly int? _excludePid;
    private readonly Dictionary<int, (ulong StartTime, PidStatus Status, long ReadAt)> _status = [];
    private readonly Dictionary<int, (PidStat Stat, ulong RunNs, long ReadAt)> _stats = [];
    private readonly Dictionary<int, (ulong StartTime, NumaMaps? Maps, long ReadAt, ulong CpuTicks, ulong RssPages)> _maps = [];
    private readonly object _gate = new();
    private readonly HashSet<int> _invalidated = [];
    private readonly PidFileCache _files;
    private readonly List<int> _pids = [];
    private Dictionary<int, string> _matched = [];
    private Dictionary<int, string> _matchedBefore = [];
    private Dictionary<int, string> _unmatched = [];
    private Dictionary<int, string> _unmatchedBefore = [];
    private long _samples;

    public BeTaskSelector(ProcFs proc, CgroupFs? cgroups, BeSelection selection, int? excludePid, int statusRefreshSamples = 10, int numaMapsEvery = 10, int numaMapsMaxAge = DefaultNumaMapsMaxAge, bool? keepFilesOpen = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusRefreshSamples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numaMapsEvery, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numaMapsMaxAge, 1);
        StatusRefreshSamples = statusRefreshSamples;
        NumaMapsEvery = numaMapsEvery;
        NumaMapsMaxAge = numaMapsMaxAge;
        if (selection.CgroupPath is not null && cgroups is null)
        {
            throw new ArgumentException("--be-cgroup needs a cgroup root", nameof(cgroups));
        }

        _proc = proc;
        _cgroups = cgroups;
        _selection = selection;
        _excludePid = excludePid;
        _files = new PidFileCache(proc, keepFilesOpen);
    }

    public int StatusRefreshSamples { get; }

    /// <summary>The default of <see cref="NumaMapsMaxAge"/>: five minutes at the default 1 s interval.</summary>
    public const int DefaultNumaMapsMaxAge = 300;

    /// <summary>A task that runs or changes its RSS has its numa_maps re-read every this many samples (1 = every sample).</summary>
    public int NumaMapsEvery { get; }

    /// <summary>A task that neither ran nor changed its RSS has its numa_maps re-read every this many samples.</summary>
    public int NumaMapsMaxAge { get; }

    /// <summary>The cgroup layout in use, when BE tasks come from a cgroup.</summary>
    public CgroupLayout? CgroupLayout => _selection.CgroupPath is null ? null : _cgroups?.Layout;

    /// <summary>
    /// Forgets a task's cached status and numa_maps (after acting on it), so the next sample re-reads
    /// them. Safe to call from any thread while another samples.
    /// </summary>
    public void Invalidate(int pid)
    {
        lock (_gate)
        {
            _invalidated.Add(pid);
        }
    }

    /// <summary>
    /// Whether the selector keeps a file of <paramref name="pid"/> open between samples (real procfs
    /// only): its stat, or for an idle single-threaded task its schedstat.
    /// </summary>
    internal bool HoldsFilesOf(int pid) => _files.IsOpen(pid, PidFile.Stat) || _files.IsOpen(pid, PidFile.SchedStat);

    /// <summary>How many stat and comm files the selector keeps open now.</summary>
    internal int OpenFileCount => _files.OpenCount;

    public void Dispose() => _files.Dispose();

    public IReadOnlyList<TaskSample> Read(bool withNumaMaps)
    {
        _samples++;
        lock (_gate)
        {
            foreach (var pid in _invalidated)
            {
                _status.Remove(pid);
                _maps.Remove(pid);
            }

            _invalidated.Clear();
        }

        if (_selection.IsEmpty)
        {
            return [];
        }

        var stats = new SortedDictionary<int, PidStat>();
        var complete = false;
        try
        {
            ReadStats(stats);
            complete = true;
        }
        finally
        {
            // a sample that failed part-way holds no descriptors: the next one reopens what it needs
            if (complete)
            {
                _files.EndSample();
            }
            else
            {
                _files.CloseAll();
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

            var maps = withNumaMaps ? Maps(pid, stat) : null;
            tasks.Add(new TaskSample(stat, status, maps));
        }

        DropGone(_status, stats);
        DropGone(_stats, stats);
        DropGone(_maps, stats);

        return tasks;
    }

    /// <summary>Forgets the cached entries of pids this sample no longer has (a scan only when there are more).</summary>
    private static void DropGone<T>(Dictionary<int, T> cache, SortedDictionary<int, PidStat> stats)
    {
        if (cache.Count > stats.Count)
        {
            foreach (var gone in cache.Keys.Where(pid => !stats.ContainsKey(pid)).ToList())
            {
                cache.Remove(gone);
            }
        }
    }

    private void ReadStats(SortedDictionary<int, PidStat> stats)
    {
        if (_selection.Comm is { } comm)
        {
            SelectByComm(comm, stats);
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
            if (!stats.ContainsKey(pid) && ReadStat(pid) is { } stat)
            {
                stats[pid] = stat;
            }
        }
    }

    /// <summary>
    /// The processes whose comm matches, with their stat. A process whose comm matched in the
    /// previous sample has its stat read directly (it is needed anyway); any other process has only
    /// its comm read, and its stat when that matches. The comm is re-read every sample, so a process
    /// that execs into a matching name, or a new process reusing a pid, is classified on the next
    /// sample exactly as by reading every process's stat; a vanished pid drops out of the listing.
    /// </summary>
    private void SelectByComm(Regex comm, SortedDictionary<int, PidStat> stats)
    {
        _proc.ListPids(_pids);
        (_matchedBefore, _matched) = (_matched, _matchedBefore);
        (_unmatchedBefore, _unmatched) = (_unmatched, _unmatchedBefore);
        _matched.Clear();
        _unmatched.Clear();
        foreach (var pid in _pids)
        {
            if (!_matchedBefore.TryGetValue(pid, out var matchedName))
            {
                if (!_files.TryReadComm(pid, out var name))
                {
                    continue;
                }

                // the regex runs only when a pid's name changed (it checks a timeout clock per call)
                if (_unmatchedBefore.TryGetValue(pid, out var unmatchedName) && name.SequenceEqual(unmatchedName))
                {
                    _unmatched[pid] = unmatchedName;
                    continue;
                }

                if (!comm.IsMatch(name))
                {
                    _unmatched[pid] = name.ToString();
                    continue;
                }
            }

            if (ReadStat(pid) is { } stat
                && (stat.Comm == matchedName || comm.IsMatch(stat.Comm)))
            {
                stats[pid] = stat;
                _matched[pid] = stat.Comm;
            }
        }
    }

    /// <summary>
    /// The task's stat, or the one read earlier when it cannot have changed: single-threaded, the
    /// same process instance, and the same nanoseconds run (a process that did not run cannot have
    /// used CPU time, moved to another CPU, started a thread or exec'd). Null when it vanished.
    /// </summary>
    private PidStat? ReadStat(int pid)
    {
        var hasLast = _stats.TryGetValue(pid, out var last);
        ulong runNs = 0;
        if (!hasLast || last.Stat.Threads == 1)
        {
            // no schedstat (gone, or a kernel or tree without it): the stat read decides
            if (_files.TryReadRunNs(pid, out runNs, out var sameInstance) && hasLast && sameInstance && runNs != 0 && runNs == last.RunNs
                && !RefreshSchedule.IsDue(_samples, last.ReadAt, pid, StatusRefreshSamples))
            {
                return last.Stat;
            }
        }

        // read after schedstat: should the task run in between, its next schedstat differs
        var stat = _files.TryReadStat(pid);
        if (stat is null)
        {
            _stats.Remove(pid);
            return null;
        }

        _stats[pid] = (stat, stat.Threads == 1 ? runNs : 0, _samples);
        return stat;
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

    private NumaMaps? Maps(int pid, PidStat stat)
    {
        if (_maps.TryGetValue(pid, out var cached) && cached.StartTime == stat.StartTime
            && !RefreshSchedule.IsDue(_samples, cached.ReadAt, pid, NumaMapsEvery, NumaMapsMaxAge,
                changed: cached.CpuTicks != stat.CpuTicks || cached.RssPages != stat.RssPages))
        {
            return cached.Maps;
        }

        var maps = _proc.TryReadNumaMaps(pid);
        _maps[pid] = (stat.StartTime, maps, _samples, stat.CpuTicks, stat.RssPages);
        return maps;
    }
}
