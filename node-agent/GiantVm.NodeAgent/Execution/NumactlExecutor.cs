using GiantVm.Linux;
using GiantVm.Linux.Syscalls;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// The default backend: sched_setaffinity on every thread (walking the thread list until a walk
/// finds no new thread), then <c>migratepages PID FROM TO</c>, then verification. The pid's start
/// time is checked again right after the affinity walk and after the page migration: a different
/// one means the process exited and another took its pid meanwhile, so the result is
/// <c>vanished</c> and every thread of the new process whose affinity this move changed gets its
/// own earlier affinity back (read just before each change).
/// </summary>
internal sealed class NumactlExecutor : IMigrationExecutor
{
    /// <summary>Walks of the thread list before giving up on it settling (threads keep appearing).</summary>
    public const int MaxWalks = 8;

    private readonly ITaskInspector _inspector;
    private readonly IAffinitySetter _affinity;
    private readonly IMigratePagesTool _tool;
    private readonly TimeProvider _time;
    private readonly int _selfPid;

    public NumactlExecutor(ITaskInspector inspector, IAffinitySetter affinity, IMigratePagesTool tool, TimeProvider time, int selfPid)
    {
        _inspector = inspector;
        _affinity = affinity;
        _tool = tool;
        _time = time;
        _selfPid = selfPid;
    }

    public string Name => "numactl";

    public async Task<MigrationOutcome> ExecuteAsync(MigrationRequest request, CancellationToken ct)
    {
        var start = _time.GetTimestamp();
        var (move, stop) = Preflight.Check(request, _inspector, _selfPid);
        if (move is null)
        {
            return stop!;
        }

        ct.ThrowIfCancellationRequested();
        var pid = request.Pid;
        var cpus = move.Target.Cpus;
        var set = new HashSet<int>();
        var before = new Dictionary<int, string>(); // tid -> its affinity just before this move set it
        for (var walk = 0; walk < MaxWalks; walk++)
        {
            var fresh = _inspector.Threads(pid).Where(t => !set.Contains(t)).ToList();
            if (fresh.Count == 0)
            {
                break; // a whole walk found no thread we had not set: stable
            }

            foreach (var tid in fresh)
            {
                if (_inspector.ThreadStatus(pid, tid)?.CpusAllowedList is { Length: > 0 } was)
                {
                    before[tid] = was;
                }

                var errno = _affinity.Set(tid, cpus);
                if (errno is 0 or SchedAffinity.Esrch)
                {
                    set.Add(tid); // ESRCH: that thread exited, nothing to move
                    continue;
                }

                if (_inspector.Stat(pid)?.StartTime != request.StartTime)
                {
                    return Replaced(move, start, before, "during the affinity change");
                }

                return new MigrationOutcome(ExecutionStatus.Failed, move.PagesBefore ?? new Dictionary<int, ulong>(), move.PagesBefore ?? new Dictionary<int, ulong>(),
                    0, 0, move.Status.CpusAllowedList, _inspector.Status(pid)?.CpusAllowedList ?? "", _time.GetElapsedTime(start),
                    $"sched_setaffinity(tid {tid}, {move.Target.CpuList}): {SchedAffinity.Describe(errno)}");
            }
        }

        if (set.Count == 0)
        {
            return Gone(move, start);
        }

        if (_inspector.Stat(pid)?.StartTime != request.StartTime)
        {
            return Replaced(move, start, before, "during the affinity change");
        }

        ct.ThrowIfCancellationRequested();
        var toolError = "";
        if (move.SourceNodes.Count > 0)
        {
            var run = await _tool.RunAsync(pid, move.SourceNodes, [request.ToNode], ct);
            if (_inspector.Stat(pid)?.StartTime != request.StartTime)
            {
                return Replaced(move, start, before, "during the page migration");
            }

            if (run.ExitCode != 0)
            {
                toolError = $"migratepages exited {run.ExitCode}: {run.Output}";
            }
        }

        return Verification.Finish(move, _inspector, _time.GetElapsedTime(start), toolError);
    }

    /// <summary>
    /// The pid no longer names the commanded process. Threads now under that pid whose affinity
    /// this move changed (a new process that took the pid, or tids it reused) get their own earlier
    /// affinity back; the outcome is vanished either way.
    /// </summary>
    private MigrationOutcome Replaced(PreparedMove move, long start, IReadOnlyDictionary<int, string> before, string when)
    {
        var pid = move.Request.Pid;
        var now = _inspector.Stat(pid);
        if (now is null)
        {
            return Gone(move, start);
        }

        var restored = 0;
        var failed = new List<string>();
        foreach (var tid in _inspector.Threads(pid))
        {
            if (!before.TryGetValue(tid, out var was))
            {
                continue; // not touched by this move
            }

            int errno;
            try
            {
                errno = _affinity.Set(tid, ListFormat.Parse(was, $"thread {tid} Cpus_allowed_list"));
            }
            catch (ProcParseException e)
            {
                failed.Add($"tid {tid}: {e.Message}");
                continue;
            }

            if (errno == 0)
            {
                restored++;
            }
            else if (errno != SchedAffinity.Esrch)
            {
                failed.Add($"tid {tid}: {SchedAffinity.Describe(errno)}");
            }
        }

        var detail = $"process {pid} exited {when} and pid {pid} now names another process (start time {now.StartTime}, the command names {move.Request.StartTime})";
        detail += restored > 0 ? $"; affinity of {restored} of its threads restored" : "; none of its threads had been touched";
        detail += failed.Count > 0 ? $"; restoring failed for {string.Join(", ", failed)}" : "";
        return MigrationOutcome.Untouched(ExecutionStatus.Vanished, detail, move.Status.CpusAllowedList, move.PagesBefore)
            with { Duration = _time.GetElapsedTime(start) };
    }

    private MigrationOutcome Gone(PreparedMove move, long start) =>
        MigrationOutcome.Untouched(ExecutionStatus.Vanished, $"process {move.Request.Pid} exited during the move", move.Status.CpusAllowedList, move.PagesBefore)
            with { Duration = _time.GetElapsedTime(start) };
}
