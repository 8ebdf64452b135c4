namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// <c>migratepages PID FROM TO</c> (package numactl). Exit 0 even when pages stayed behind:
/// callers verify with numa_maps.
/// </summary>
internal interface IMigratePagesTool
{
    Task<ToolRun> RunAsync(int pid, IReadOnlyCollection<int> from, IReadOnlyCollection<int> to, CancellationToken ct);
}

/// <summary>One run of an external tool: its exit code and what it printed (stderr, then stdout).</summary>
internal sealed record ToolRun(int ExitCode, string Output);
