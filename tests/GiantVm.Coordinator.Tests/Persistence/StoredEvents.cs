using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Scheduling.Journal;
using static GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping.BookkeepingFixture;

namespace GiantVm.Coordinator.Tests.Persistence;

/// <summary>One of each event, with fixed ids and times: what the checked-in fixture holds.</summary>
internal static class StoredEvents
{
    public static JournalRecord Decision { get; } = new()
    {
        Id = "r-1", Kind = JournalKinds.Decision, MigrationId = "m-1", CommandId = "c-1", Time = T0, Vm = "giantvm", Trigger = MigrationTriggers.Auto,
        Pid = 4242, StartTime = 99, Comm = "stress", From = 0, To = 1, Reason = "node 0 steal 0.60 > 0.15", Status = MigrationStatuses.Pending, Member = "member-a",
    };

    /// <summary>A policy written out here (not a shipped one, which may change).</summary>
    public const string PolicyYaml = "name: stored\nmode: balanced\ninterval: 2s\nsignal:\n  hot_after: 1\nmigrate:\n  cooldown: 45s\n";

    public static IReadOnlyList<RebalancerEvent> All { get; } =
    [
        new PolicyReloaded(T0, "member-a", PolicyYaml, "/etc/giantvm/policy.yaml", 2),
        new Decided(Decision, T0.AddSeconds(30), HoldsCooldown: true),
        new Decided(Decision with { Id = "r-2", MigrationId = "m-2", CommandId = null, DryRun = true, Status = MigrationStatuses.DryRun, Trigger = MigrationTriggers.Manual, Pid = 77, StartTime = null }, null, HoldsCooldown: false),
        new ResultRecorded(Decision with { Id = "r-3", Kind = JournalKinds.Result, Time = T0.AddSeconds(2), Status = MigrationStatuses.Done, PagesMoved = 256, PagesLeft = 0, DurationMs = 12.5 }, ResultOrigins.Agent),
        new NodeDrained(T0.AddSeconds(3), "member-a", 1, Evacuate: true),
        new NodeUndrained(T0.AddSeconds(4), "member-a", 1),
        new RebalancingPaused(T0.AddSeconds(5), "member-a", "maintenance window"),
        new RebalancingResumed(T0.AddSeconds(6), "member-a"),
        new Decided(Decision with { Id = "r-4", MigrationId = "m-4", CommandId = "c-4", Time = T0.AddSeconds(7), Pid = 4343, StartTime = 100, From = 1, To = 0 }, T0.AddSeconds(37), HoldsCooldown: true),
        new ResultRecorded(Decision with { Id = "r-5", Kind = JournalKinds.Result, MigrationId = "m-4", CommandId = "c-4", Time = T0.AddSeconds(38), Status = MigrationStatuses.Timeout, Pid = 4343, Error = "no result by the deadline 2026-11-25T12:00:37.0000000+00:00" }, ResultOrigins.Deadline),
        new Decided(Decision with { Id = "r-6", MigrationId = "m-6", CommandId = "c-6", Time = T0.AddSeconds(40), Pid = 4444, StartTime = 101 }, T0.AddSeconds(70), HoldsCooldown: true),
    ];
}
