using GiantVm.Contracts.V1;
using GiantVm.NodeAgent.Reporting;

namespace GiantVm.NodeAgent.Tests.Reporting;

public class ResultOutboxTests
{
    [Fact]
    public void Acknowledge_RemovesOnlyTheResultSentWithThatSequence()
    {
        var outbox = new ResultOutbox(new Wakeup());
        var a = new MigrationResult { CommandId = "a" };
        var b = new MigrationResult { CommandId = "b" };
        outbox.Add(a);
        outbox.Add(b);
        outbox.MarkSent(a, 5);
        outbox.MarkSent(b, 6);

        outbox.Acknowledge(5);

        Assert.Equal(1, outbox.Count);
        Assert.Empty(outbox.Unsent());
    }

    [Fact]
    public void NewStream_ResendsEveryUnacknowledgedResult()
    {
        var outbox = new ResultOutbox(new Wakeup());
        var a = new MigrationResult { CommandId = "a" };
        outbox.Add(a);
        outbox.MarkSent(a, 2);

        outbox.NewStream();

        Assert.Equal([a], outbox.Unsent());
    }

    [Fact]
    public void Add_BeyondCapacity_DropsTheOldest()
    {
        var outbox = new ResultOutbox(new Wakeup(), capacity: 2);
        outbox.Add(new MigrationResult { CommandId = "1" });
        outbox.Add(new MigrationResult { CommandId = "2" });
        outbox.Add(new MigrationResult { CommandId = "3" });

        Assert.Equal(["2", "3"], outbox.Unsent().Select(r => r.CommandId));
    }
}
