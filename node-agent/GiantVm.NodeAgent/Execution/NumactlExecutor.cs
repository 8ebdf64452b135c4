using GiantVm.Linux.Syscalls;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// The default backend: sched_setaffinity on every thread (walking the thread list until a walk
/// finds no new thread), then <c>migratepages PID FROM TO</c>, then verification.
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
        for (var walk = 0; walk < MaxWalks; walk++)
        {
            var fresh = _inspector.Threads(pid).Where(t => !set.Contains(t)).ToList();
            if (fresh.Count == 0)
            {
                break; // a whole walk found no thread we had not set: stable
            }

            foreach (var tid in fresh)
            {
                var errno = _affinity.Set(tid, cpus);
                if (errno is 0 or SchedAffinity.Esrch)
                {
                    set.Add(tid); // ESRCH: that thread exited, nothing to move
                    continue;
                }

                if (_inspector.Stat(pid)?.StartTime != request.StartTime)
                {
                    return Gone(move, start);
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

        ct.ThrowIfCancellationRequested();
        var toolError = "";
        if (move.SourceNodes.Count > 0)
        {
            var run = await _tool.RunAsync(pid, move.SourceNodes, [request.ToNode], ct);
            if (run.ExitCode != 0)
            {
                if (_inspector.Stat(pid)?.StartTime != request.StartTime)
                {
                    return Gone(move, start);
                }

                toolError = $"migratepages exited {run.ExitCode}: {run.Output}";
            }
        }

        return Verification.Finish(move, _inspector, _time.GetElapsedTime(start), toolError);
    }

    private MigrationOutcome Gone(PreparedMove move, long start) =>
        MigrationOutcome.Untouched(ExecutionStatus.Vanished, $"process {move.Request.Pid} exited during the move", move.Status.CpusAllowedList, move.PagesBefore)
            with { Duration = _time.GetElapsedTime(start) };
}
