using GiantVm.Contracts.V1;
using GiantVm.Scheduling.Journal;
using GiantVm.Shared;
using ProtoJournalRecord = GiantVm.Contracts.V1.JournalRecord;

namespace GiantVm.Ctl.Live;

/// <summary>One decision of rebalance/move/drain with its final status as far as known.</summary>
internal sealed record DecisionOutcome(Decision Decision, ProtoJournalRecord? Result, string Status)
{
    /// <summary>
    /// Pairs decisions with their results. Without a result: dry-run decisions stay dry-run,
    /// others are pending, or timeout when the wait timed out.
    /// </summary>
    public static IReadOnlyList<DecisionOutcome> Pair(IEnumerable<Decision> decisions, IEnumerable<ProtoJournalRecord> results, bool waited, bool timedOut)
    {
        var byMigration = results.GroupBy(r => r.MigrationId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        return decisions.Select(d =>
        {
            var result = byMigration.GetValueOrDefault(d.MigrationId);
            var status = result is not null ? JournalProtoNames.StatusName(result.Status)
                : d.DryRun ? MigrationStatuses.DryRun
                : waited && timedOut ? MigrationStatuses.Timeout
                : MigrationStatuses.Pending;
            return new DecisionOutcome(d, result, status);
        }).ToList();
    }

    /// <summary>
    /// The exit code of rebalance/move/drain: 1 when any decision ended failed, refused or timed
    /// out; 0 otherwise (done, partial, vanished, still pending without --wait, dry-run, or nothing to do).
    /// </summary>
    public static int ExitCode(IEnumerable<DecisionOutcome> outcomes) =>
        outcomes.Any(o => o.Status is MigrationStatuses.Failed or MigrationStatuses.Refused or MigrationStatuses.Timeout)
            ? ExitCodes.Failed
            : ExitCodes.Ok;
}
