namespace GiantVm.NodeAgent.Execution;

/// <summary>Moves one BE task to one NUMA node (numactl, cpuset, dry-run backends).</summary>
internal interface IMigrationExecutor
{
    /// <summary>numactl | cpuset | dry-run: what the agent announces in its hello.</summary>
    string Name { get; }

    /// <summary>Re-checks safety, acts, verifies. Cancellation (the deadline) may stop it between steps.</summary>
    Task<MigrationOutcome> ExecuteAsync(MigrationRequest request, CancellationToken ct);
}
