using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Tests.Journal;

public sealed class JournalQueryTests
{
    private static readonly IReadOnlyList<JournalRecord> Records =
    [
        JournalJsonTests.Decision("m-1", pid: 10, from: 0, to: 1),
        JournalJsonTests.Decision("m-2", pid: 20, from: 2, to: 3),
        JournalJsonTests.Decision("m-1", pid: 10, from: 0, to: 1) with { Id = "r-x", Kind = JournalKinds.Result, Status = MigrationStatuses.Done },
        JournalJsonTests.Decision("m-3", pid: 30, from: 1, to: 2),
    ];

    [Fact]
    public void Apply_ByNode_MatchesSourceOrTarget()
    {
        var matched = new JournalQuery(Node: 1).Apply(Records);

        Assert.Equal(["m-1", "m-1", "m-3"], matched.Select(r => r.MigrationId));
    }

    [Fact]
    public void Apply_ByStatusAndPid_Filters()
    {
        Assert.Single(new JournalQuery(Statuses: [MigrationStatuses.Done]).Apply(Records));
        Assert.Equal(["m-2"], new JournalQuery(Pid: 20).Apply(Records).Select(r => r.MigrationId));
    }

    [Fact]
    public void Apply_WithLimit_KeepsTheNewest()
    {
        var matched = new JournalQuery(Limit: 2).Apply(Records);

        Assert.Equal(["r-x", "r-m-3"], matched.Select(r => r.Id));
    }

    [Fact]
    public void Fold_GivesEachMigrationItsLatestStatus()
    {
        var histories = MigrationHistory.Fold(Records);

        Assert.Equal(["m-1", "m-2", "m-3"], histories.Select(h => h.Decision.MigrationId));
        Assert.Equal([MigrationStatuses.Done, MigrationStatuses.Pending, MigrationStatuses.Pending], histories.Select(h => h.Status));
    }
}
