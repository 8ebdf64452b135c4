namespace GiantVm.NodeAgent.Execution;

/// <summary>One migrate command as the executors see it (converted from the wire's MigrateCommand).</summary>
/// <param name="StartTime">/proc/&lt;pid&gt;/stat field 22 the coordinator saw; must still match.</param>
/// <param name="FromNodes">nodes to move pages from; empty = every node but the target.</param>
/// <param name="Deadline">when the result is no longer wanted; null = the agent's default timeout.</param>
internal sealed record MigrationRequest(
    string CommandId,
    string MigrationId,
    string Vm,
    int Pid,
    ulong StartTime,
    string Comm,
    IReadOnlyList<int> FromNodes,
    int ToNode,
    bool DryRun,
    DateTimeOffset? Deadline);
