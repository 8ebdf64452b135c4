using GiantVm.Linux;
using Microsoft.Extensions.Logging;

namespace GiantVm.NodeAgent.Execution;

/// <summary>Runs the safety checks, logs what it would do, changes nothing: status dry-run.</summary>
internal sealed class DryRunExecutor : IMigrationExecutor
{
    private readonly ITaskInspector _inspector;
    private readonly TimeProvider _time;
    private readonly int _selfPid;
    private readonly ILogger _log;

    public DryRunExecutor(ITaskInspector inspector, TimeProvider time, int selfPid, ILogger log)
    {
        _inspector = inspector;
        _time = time;
        _selfPid = selfPid;
        _log = log;
    }

    public string Name => "dry-run";

    public Task<MigrationOutcome> ExecuteAsync(MigrationRequest request, CancellationToken ct)
    {
        var start = _time.GetTimestamp();
        var (move, stop) = Preflight.Check(request, _inspector, _selfPid);
        if (move is null)
        {
            return Task.FromResult(stop!);
        }

        var plan = $"dry-run: would set the affinity of {_inspector.Threads(request.Pid).Count} thread(s) to {move.Target.CpuList}"
            + (move.SourceNodes.Count > 0 ? $" and run migratepages {request.Pid} {ListFormat.Format(move.SourceNodes)} {request.ToNode}" : "");
        _log.LogInformation("Dry-run {CommandId}: pid {Pid} ({Comm}) to node {Node}: {Plan}", request.CommandId, request.Pid, move.Stat.Comm, request.ToNode, plan);
        var pages = move.PagesBefore ?? new Dictionary<int, ulong>();
        return Task.FromResult(MigrationOutcome.Untouched(ExecutionStatus.DryRun, plan, move.Status.CpusAllowedList, pages) with { Duration = _time.GetElapsedTime(start) });
    }
}
