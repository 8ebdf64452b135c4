using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Rebalancing.Bookkeeping;

/// <summary>
/// The recorded state of <see cref="RebalancerBookkeeping"/> at one point of its event log, so
/// that recovery replays only the events after it. Holds what the events built: nothing from
/// reports, smoothing or hysteresis.
/// </summary>
/// <param name="Policy">The last recorded policy reload; null when none was recorded (the member's own <c>--policy</c> is in force).</param>
/// <param name="Pending">Commands sent and waiting for their result.</param>
/// <param name="Recent">Decisions remembered by command id for late results, oldest first (at most <see cref="RebalancerBookkeeping.RecentLimit"/>).</param>
/// <param name="AgentResults">Command ids whose agent result is recorded (a re-sent one is not recorded again): those of remembered decisions, then those of results for commands with no remembered decision (at most <see cref="RebalancerBookkeeping.UnknownResultLimit"/>, oldest first).</param>
/// <param name="LastMoves">Each task's last move (cooldowns, return blocks).</param>
/// <param name="RecentMoves">Moves of the last minute (the per-minute cap).</param>
/// <param name="MovesLastHour">When the real moves of the last hour were sent.</param>
public sealed record RebalancerSnapshot(
    PolicyReloaded? Policy,
    IReadOnlyList<int> Drained,
    bool Paused,
    string? PauseReason,
    IReadOnlyList<PendingMigration> Pending,
    IReadOnlyList<JournalRecord> Recent,
    IReadOnlyList<string> AgentResults,
    IReadOnlyList<MoveRecord> LastMoves,
    IReadOnlyList<MoveRecord> RecentMoves,
    IReadOnlyList<DateTimeOffset> MovesLastHour);
