namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// Faults the end-to-end tests inject into a real coordinator process, from environment
/// variables only (never from the configuration an operator writes):
/// <c>GIANTVM_FAULT_CRASH_AFTER_DECISION_PERSISTED=1</c> kills the process (SIGKILL) right after a
/// decision is persisted and before its command is sent.
/// </summary>
public static class FaultInjection
{
    public const string CrashAfterDecisionPersisted = "GIANTVM_FAULT_CRASH_AFTER_DECISION_PERSISTED";

    /// <summary>The hook the rebalancer calls after persisting a decision, or null when no fault is asked for.</summary>
    public static Action? AfterDecisionPersisted() =>
        Environment.GetEnvironmentVariable(CrashAfterDecisionPersisted) == "1"
            ? () => System.Diagnostics.Process.GetCurrentProcess().Kill()
            : null;
}
