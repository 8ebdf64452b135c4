namespace GiantVm.Coordinator.Rebalancing;

/// <summary>A validated migration result from the guest agent (status as a journal status string).</summary>
public sealed record MigrationResultData(
    string CommandId,
    string MigrationId,
    int Pid,
    string Status,
    long PagesMoved,
    long PagesLeft,
    double DurationMs,
    string? Error);
