using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Coordinator.Replication;

/// <summary>
/// Between the rebalancer's events and the replicated log's entries (journal records and state
/// changes): how the events are written there, and how a log written by any version is read
/// back as events. Goes with the replicated log.
/// </summary>
public static class ReplicatedEvents
{
    /// <summary>The error of the <c>failed</c> result that cancels a decision no majority acknowledged.</summary>
    public const string NotSentError = "not sent: no majority acknowledged the decision";

    /// <summary>The log entry that records <paramref name="e"/> at position <paramref name="seq"/>.</summary>
    public static ReplicatedEntry ToEntry(RebalancerEvent e, string vm, long seq, Func<string, string> newId)
    {
        ArgumentNullException.ThrowIfNull(newId);
        StateRecord Change(string kind, DateTimeOffset time, string member) =>
            new() { Id = newId("s"), Seq = seq, Kind = kind, Time = time, Vm = vm, Member = member };
        return e switch
        {
            Decided d => ReplicatedEntry.Of(d.Decision with { Seq = seq }),
            ResultRecorded r => ReplicatedEntry.Of(r.Result with { Seq = seq }),
            NodeDrained d => ReplicatedEntry.Of(Change(StateKinds.Drain, d.Time, d.Member) with { Node = d.Node }),
            NodeUndrained u => ReplicatedEntry.Of(Change(StateKinds.Undrain, u.Time, u.Member) with { Node = u.Node }),
            RebalancingPaused p => ReplicatedEntry.Of(Change(StateKinds.Pause, p.Time, p.Member) with { Reason = p.Reason }),
            RebalancingResumed r => ReplicatedEntry.Of(Change(StateKinds.Resume, r.Time, r.Member)),
            PolicyReloaded p => ReplicatedEntry.Of(Change(StateKinds.Policy, p.Time, p.Member) with
            {
                PolicyText = p.Text, PolicySource = p.Source, PolicyVersion = p.Version,
            }),
            _ => throw new ArgumentException($"unknown rebalancer event {e.GetType().Name}", nameof(e)),
        };
    }

    /// <summary>
    /// The events a recovered log stands for, for <paramref name="vm"/>: the state it folds to
    /// (policy, drained nodes, pause; aborted changes left out), then every decision and result in
    /// log order. Cooldowns are kept only for real moves of the day before <paramref name="now"/>
    /// whose migration may have moved the task; pending commands get their deadline from the
    /// decision's time and the command timeout of the policy in force.
    /// </summary>
    public static IReadOnlyList<RebalancerEvent> ToEvents(ReplicaLog log, string vm, PolicyInForce policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(policy);
        var events = new List<RebalancerEvent>();
        var state = ReplicatedState.Fold(log.Entries.Select(e => e.State).OfType<StateRecord>(), vm);
        var timeout = policy.Policy.CommandTimeout;
        if (state.Policy is { PolicyText: { } text } p)
        {
            var reloaded = new PolicyReloaded(p.Time, p.Member ?? "", text, p.PolicySource ?? "replicated", p.PolicyVersion ?? policy.Version);
            events.Add(reloaded);
            if (PolicyLoader.Load(text, reloaded.Source) is { Ok: true, Policy: { } loaded })
            {
                timeout = loaded.CommandTimeout;
            }
        }

        events.AddRange(state.Drained.Select(node => new NodeDrained(now, "", node, Evacuate: false)));
        if (state.Paused)
        {
            events.Add(new RebalancingPaused(now, "", state.PauseReason));
        }

        var records = log.Entries.Select(e => e.Record).OfType<JournalRecord>().Where(r => r.Vm == vm).ToList();
        var final = MigrationHistory.Fold(records).ToDictionary(m => m.Decision.MigrationId, m => m.Status, StringComparer.Ordinal);
        var since = now - TimeSpan.FromDays(1);
        foreach (var record in records)
        {
            if (record.Kind == JournalKinds.Decision)
            {
                var moved = final.TryGetValue(record.MigrationId, out var status) && MigrationStatuses.MayHaveMoved(status);
                var holds = !record.DryRun && record.Time >= since && moved;
                var deadline = record.DryRun || record.CommandId is null ? (DateTimeOffset?)null : record.Time + timeout;
                events.Add(new Decided(record, deadline, holds));
            }
            else
            {
                events.Add(new ResultRecorded(record, OriginOf(record)));
            }
        }

        return events;
    }

    /// <summary>Who produced a result record of the log (the log does not say; its status and error do).</summary>
    public static string OriginOf(JournalRecord result) => result switch
    {
        { Status: MigrationStatuses.Timeout, Error: { } e } when e.StartsWith("no result by the deadline", StringComparison.Ordinal) => ResultOrigins.Deadline,
        { Status: MigrationStatuses.Failed, Error: NotSentError } => ResultOrigins.NotSent,
        { Status: MigrationStatuses.Failed, Error: { } e } when e.StartsWith("command not delivered", StringComparison.Ordinal) => ResultOrigins.Undelivered,
        _ => ResultOrigins.Agent,
    };
}
