using System.Globalization;
using GiantVm.Linux;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// The cpuset backend: BE tasks live in per-node leaf cgroups <c>&lt;be&gt;/node&lt;K&gt;</c>
/// (cgroup v2 forbids tasks in a cgroup whose children hold controllers). A move writes the pid
/// into the target's leaf, created on demand with that node's <c>cpuset.cpus</c> and
/// <c>cpuset.mems</c> (since Linux 5.15 the kernel then migrates its pages), then verifies.
/// With <c>--be-comm</c> (a name any user can give a process) it is confined: it only moves tasks
/// already in the BE cgroup or below, never one out of another cgroup (a user's own service).
/// </summary>
internal sealed class CpusetExecutor : IMigrationExecutor
{
    private readonly ITaskInspector _inspector;
    private readonly string _beDirectory;
    private readonly TimeProvider _time;
    private readonly int _selfPid;
    private readonly bool _confined;

    /// <param name="beDirectory">the BE cgroup's directory in the cgroup2 file system.</param>
    /// <param name="confineToBeCgroup">refuse tasks that are not already under the BE cgroup (set with --be-comm).</param>
    public CpusetExecutor(ITaskInspector inspector, string beDirectory, TimeProvider time, int selfPid, bool confineToBeCgroup = false)
    {
        _confined = confineToBeCgroup;
        _inspector = inspector;
        _beDirectory = beDirectory;
        _time = time;
        _selfPid = selfPid;
    }

    public string Name => "cpuset";

    public static string LeafName(int node) => "node" + node.ToString(CultureInfo.InvariantCulture);

    public Task<MigrationOutcome> ExecuteAsync(MigrationRequest request, CancellationToken ct)
    {
        var start = _time.GetTimestamp();
        var (move, stop) = Preflight.Check(request, _inspector, _selfPid);
        if (move is null)
        {
            return Task.FromResult(stop!);
        }

        ct.ThrowIfCancellationRequested();
        if (_confined && !UnderBeCgroup(request.Pid))
        {
            return Task.FromResult(MigrationOutcome.Untouched(ExecutionStatus.Refused,
                $"pid {request.Pid} ({move.Stat.Comm}) is not in the BE cgroup {_beDirectory} or below: with --be-comm (a name any user can choose) the cpuset executor does not move tasks out of other cgroups",
                move.Status.CpusAllowedList, move.PagesBefore) with { Duration = _time.GetElapsedTime(start) });
        }

        var leaf = Path.Combine(_beDirectory, LeafName(request.ToNode));
        try
        {
            EnsureLeaf(leaf, move.Target);
            // one write(2) of the pid: the kernel moves the whole process (all threads)
            File.WriteAllText(Path.Combine(leaf, "cgroup.procs"), request.Pid.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_inspector.Stat(request.Pid)?.StartTime != request.StartTime)
            {
                return Task.FromResult(MigrationOutcome.Untouched(ExecutionStatus.Vanished, $"process {request.Pid} exited during the move", move.Status.CpusAllowedList, move.PagesBefore)
                    with { Duration = _time.GetElapsedTime(start) });
            }

            var pages = move.PagesBefore ?? new Dictionary<int, ulong>();
            return Task.FromResult(MigrationOutcome.Untouched(ExecutionStatus.Failed, $"cgroup {leaf}: {e.Message}", move.Status.CpusAllowedList, pages)
                with { Duration = _time.GetElapsedTime(start) });
        }

        if (_inspector.Stat(request.Pid) is { } now && now.StartTime != request.StartTime)
        {
            // Another process took the pid between the preflight and the write. It was not moved
            // back: its earlier cgroup is not known here (docs/reliability.md, known limits).
            return Task.FromResult(MigrationOutcome.Untouched(ExecutionStatus.Vanished,
                $"process {request.Pid} exited during the move and pid {request.Pid} now names another process (start time {now.StartTime}, the command names {request.StartTime}); that process was written into {leaf} and is not moved back",
                move.Status.CpusAllowedList, move.PagesBefore) with { Duration = _time.GetElapsedTime(start) });
        }

        var procs = Path.Combine(leaf, "cgroup.procs");
        var member = PidList.Parse(File.ReadAllText(procs), procs).Contains(request.Pid);
        var outcome = Verification.Finish(move, _inspector, _time.GetElapsedTime(start), "");
        if (!member && outcome.Status is not ExecutionStatus.Vanished)
        {
            outcome = outcome with { Status = ExecutionStatus.Failed, Error = $"pid {request.Pid} is not in {procs} after the write" };
        }

        return Task.FromResult(outcome);
    }

    /// <summary>Whether the pid is listed in cgroup.procs of the BE cgroup or any cgroup below it.</summary>
    private bool UnderBeCgroup(int pid)
    {
        try
        {
            return Directory.EnumerateFiles(_beDirectory, "cgroup.procs", SearchOption.AllDirectories)
                .Any(procs => PidList.Parse(File.ReadAllText(procs), procs).Contains(pid));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ProcParseException)
        {
            return false; // cannot tell: refuse
        }
    }

    /// <summary>Creates the node's leaf (enabling cpuset for the BE cgroup's children) or corrects its lists.</summary>
    private void EnsureLeaf(string leaf, NumaNode node)
    {
        var subtree = Path.Combine(_beDirectory, "cgroup.subtree_control");
        if (File.Exists(subtree) && !File.ReadAllText(subtree).Split(' ', '\n').Contains("cpuset"))
        {
            File.WriteAllText(subtree, "+cpuset\n");
        }

        Directory.CreateDirectory(leaf);
        var cpusFile = Path.Combine(leaf, "cpuset.cpus");
        if (File.Exists(Path.Combine(leaf, "cgroup.procs")) && !File.Exists(cpusFile))
        {
            throw new IOException($"no cpuset.cpus: the cpuset controller is not enabled for {_beDirectory} (cgroup.subtree_control lacks cpuset)");
        }

        WriteIfDifferent(cpusFile, node.CpuList);
        WriteIfDifferent(Path.Combine(leaf, "cpuset.mems"), node.Id.ToString(CultureInfo.InvariantCulture));
    }

    private static void WriteIfDifferent(string file, string list)
    {
        if (File.Exists(file) && File.ReadAllText(file).Trim() == list)
        {
            return;
        }

        File.WriteAllText(file, list + "\n");
    }
}
