using Microsoft.Extensions.Logging;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// Runs migrate commands: one at a time per pid, each under its deadline (the command's, else
/// <c>defaultTimeout</c>); a command id seen before returns the first run's reply instead of
/// running again (the last <c>remember</c> ids are kept); dry-run commands go to the dry-run
/// executor whatever the backend. Never throws for a command: errors become failed replies.
/// After a real (not dry-run) command for a pid finishes, <c>afterMove</c> gets the pid (the guest
/// agent invalidates the sampler's cached status and numa_maps of that task with it).
/// </summary>
internal sealed class MigrationDispatcher
{
    private readonly IMigrationExecutor _executor;
    private readonly IMigrationExecutor _dryRun;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly TimeSpan _defaultTimeout;
    private readonly int _remember;
    private readonly Action<int>? _afterMove;
    private readonly object _gate = new();
    private readonly Dictionary<string, Task<MigrationReply>> _byId = [];
    private readonly Queue<string> _order = new();
    private readonly Dictionary<int, (SemaphoreSlim Lock, int Users)> _perPid = [];

    public MigrationDispatcher(IMigrationExecutor executor, IMigrationExecutor dryRun, TimeProvider time, ILogger log, TimeSpan defaultTimeout, int remember = 4096, Action<int>? afterMove = null)
    {
        _afterMove = afterMove;
        _executor = executor;
        _dryRun = dryRun;
        _time = time;
        _log = log;
        _defaultTimeout = defaultTimeout;
        _remember = remember;
    }

    /// <summary>The backend's name (numactl, cpuset, dry-run).</summary>
    public string ExecutorName => _executor.Name;

    /// <summary>
    /// Starts the command or, when its id was seen before, hands back the earlier task
    /// (<paramref name="repeated"/> true). <paramref name="stopping"/> is the agent's shutdown.
    /// </summary>
    public Task<MigrationReply> Submit(MigrationRequest request, CancellationToken stopping, out bool repeated)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(request.CommandId, out var known))
            {
                repeated = true;
                return known;
            }

            repeated = false;
            var task = RunAsync(request, stopping);
            _byId[request.CommandId] = task;
            _order.Enqueue(request.CommandId);
            while (_order.Count > _remember)
            {
                _byId.Remove(_order.Dequeue());
            }

            return task;
        }
    }

    private async Task<MigrationReply> RunAsync(MigrationRequest request, CancellationToken stopping)
    {
        await Task.Yield();
        var start = _time.GetTimestamp();
        var now = _time.GetUtcNow();
        var deadline = request.Deadline ?? now + _defaultTimeout;
        MigrationOutcome outcome;
        if (deadline <= now)
        {
            outcome = MigrationOutcome.Untouched(ExecutionStatus.Timeout, $"the deadline {deadline:O} had passed when the command arrived");
            return Finish(request, outcome);
        }

        using var timeout = new CancellationTokenSource(deadline - now, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
        var pidLock = Acquire(request.Pid);
        var holding = false;
        try
        {
            await pidLock.WaitAsync(linked.Token);
            holding = true;
            var executor = request.DryRun ? _dryRun : _executor;
            outcome = await executor.ExecuteAsync(request, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            outcome = MigrationOutcome.Untouched(ExecutionStatus.Timeout, $"deadline {deadline:O} passed before the move finished") with { Duration = _time.GetElapsedTime(start) };
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            outcome = MigrationOutcome.Untouched(ExecutionStatus.Failed, "the agent is shutting down") with { Duration = _time.GetElapsedTime(start) };
        }
        catch (Exception e)
        {
            _log.LogError(e, "Executor {Executor} failed on command {CommandId} (pid {Pid})", _executor.Name, request.CommandId, request.Pid);
            outcome = MigrationOutcome.Untouched(ExecutionStatus.Failed, $"{e.GetType().Name}: {e.Message}") with { Duration = _time.GetElapsedTime(start) };
        }
        finally
        {
            Release(request.Pid, holding);
        }

        if (holding && !request.DryRun && _afterMove is { } afterMove)
        {
            try
            {
                afterMove(request.Pid);
            }
            catch (Exception e)
            {
                _log.LogError(e, "After-move hook failed for pid {Pid}", request.Pid);
            }
        }

        return Finish(request, outcome);
    }

    private MigrationReply Finish(MigrationRequest request, MigrationOutcome outcome)
    {
        _log.LogInformation(
            "Migration {CommandId} pid {Pid} ({Comm}) to node {Node}: {Status} in {DurationMs:0.0} ms, pages moved {PagesMoved} left {PagesLeft}, affinity {AffinityBefore} -> {AffinityAfter} {Error}",
            request.CommandId, request.Pid, request.Comm, request.ToNode, outcome.Status, outcome.Duration.TotalMilliseconds,
            outcome.PagesMoved, outcome.PagesLeft, outcome.AffinityBefore, outcome.AffinityAfter, outcome.Error);
        AgentMetrics.RecordMigration(outcome);
        return new MigrationReply(request, outcome, _time.GetUtcNow());
    }

    private SemaphoreSlim Acquire(int pid)
    {
        lock (_gate)
        {
            var entry = _perPid.TryGetValue(pid, out var e) ? e : (Lock: new SemaphoreSlim(1, 1), Users: 0);
            _perPid[pid] = (entry.Lock, entry.Users + 1);
            return entry.Lock;
        }
    }

    private void Release(int pid, bool holding)
    {
        lock (_gate)
        {
            var entry = _perPid[pid];
            if (holding)
            {
                entry.Lock.Release();
            }

            if (entry.Users == 1)
            {
                _perPid.Remove(pid);
                entry.Lock.Dispose();
            }
            else
            {
                _perPid[pid] = (entry.Lock, entry.Users - 1);
            }
        }
    }
}
