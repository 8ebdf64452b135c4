namespace GiantVm.NodeAgent.Execution;

/// <summary>How a migrate command ended (the wire's MigrationStatus without pending).</summary>
internal enum ExecutionStatus
{
    /// <summary>Every thread on the target's CPUs and no page left on another node.</summary>
    Done,

    /// <summary>CPUs moved, some pages stayed behind.</summary>
    Partial,

    /// <summary>A safety check failed before anything was changed.</summary>
    Refused,

    /// <summary>The process exited before or during the move.</summary>
    Vanished,

    /// <summary>The executor tried and failed.</summary>
    Failed,

    /// <summary>The deadline passed first.</summary>
    Timeout,

    /// <summary>Nothing was executed (dry-run executor or dry-run command).</summary>
    DryRun,
}
