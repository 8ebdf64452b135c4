using GiantVm.Contracts.V1;
using GiantVm.Scheduling.Journal;
using GiantVm.Shared;

namespace GiantVm.Coordinator.Tests.Journal;

/// <summary>The one table between the wire's enums and the journal's names (coordinator/Shared, also compiled into giantvmctl).</summary>
public sealed class JournalProtoNamesTests
{
    public static TheoryData<MigrationStatus, string> Statuses => new()
    {
        { MigrationStatus.Pending, "pending" },
        { MigrationStatus.Done, "done" },
        { MigrationStatus.Partial, "partial" },
        { MigrationStatus.Refused, "refused" },
        { MigrationStatus.Vanished, "vanished" },
        { MigrationStatus.Failed, "failed" },
        { MigrationStatus.Timeout, "timeout" },
        { MigrationStatus.DryRun, "dry-run" },
    };

    public static TheoryData<MigrationTrigger, string> Triggers => new()
    {
        { MigrationTrigger.Auto, "auto" },
        { MigrationTrigger.Manual, "manual" },
        { MigrationTrigger.Move, "move" },
        { MigrationTrigger.Evacuate, "evacuate" },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Status_MapsBothWays(MigrationStatus status, string name)
    {
        Assert.Equal(name, JournalProtoNames.StatusName(status));
        Assert.Equal(status, JournalProtoNames.StatusValue(name));
    }

    [Theory]
    [MemberData(nameof(Triggers))]
    public void Trigger_MapsBothWays(MigrationTrigger trigger, string name)
    {
        Assert.Equal(name, JournalProtoNames.TriggerName(trigger));
        Assert.Equal(trigger, JournalProtoNames.TriggerValue(name));
    }

    [Fact]
    public void EveryJournalName_HasAWireValue_AndEveryWireValueAName()
    {
        Assert.All(MigrationStatuses.All, name => Assert.Equal(name, JournalProtoNames.StatusName(JournalProtoNames.StatusValue(name))));
        Assert.All(MigrationTriggers.All, name => Assert.Equal(name, JournalProtoNames.TriggerName(JournalProtoNames.TriggerValue(name))));
        Assert.All(Enum.GetValues<MigrationStatus>().Where(s => s != MigrationStatus.Unspecified),
            s => Assert.Contains(JournalProtoNames.StatusName(s), MigrationStatuses.All));
        Assert.All(Enum.GetValues<MigrationTrigger>().Where(t => t != MigrationTrigger.Unspecified),
            t => Assert.Contains(JournalProtoNames.TriggerName(t), MigrationTriggers.All));
    }

    [Fact]
    public void OutsideTheTable_IsUnknownOrUnspecified()
    {
        Assert.Equal(JournalProtoNames.Unknown, JournalProtoNames.StatusName(MigrationStatus.Unspecified));
        Assert.Equal(JournalProtoNames.Unknown, JournalProtoNames.StatusName((MigrationStatus)99));
        Assert.Equal(JournalProtoNames.Unknown, JournalProtoNames.TriggerName(MigrationTrigger.Unspecified));
        Assert.Equal(MigrationStatus.Unspecified, JournalProtoNames.StatusValue("Done"));
        Assert.Equal(MigrationTrigger.Unspecified, JournalProtoNames.TriggerValue(""));
    }
}
