using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Rebalancing;

/// <summary>A command sent and waiting for its result (or its deadline).</summary>
public sealed record PendingMigration(JournalRecord Decision, DateTimeOffset Deadline);
