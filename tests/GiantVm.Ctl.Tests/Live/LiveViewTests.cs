using System.Text.Json;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;
using GiantVm.Scheduling.Journal;
using ProtoJournalRecord = GiantVm.Contracts.V1.JournalRecord;

namespace GiantVm.Ctl.Tests.Live;

public sealed class LiveViewTests
{
    private static Decision Decision(string id, bool dryRun = false) => new()
    {
        MigrationId = id, Pid = 7, Comm = "a-very-long-command-name", FromNode = 0, ToNode = 3, DryRun = dryRun,
        Trigger = MigrationTrigger.Manual, Reason = new string('r', 200),
    };

    private static ProtoJournalRecord Result(string id, MigrationStatus status) => new() { MigrationId = id, Kind = "result", Status = status };

    [Theory]
    [InlineData(MigrationStatus.Done, 0)]
    [InlineData(MigrationStatus.Partial, 0)]
    [InlineData(MigrationStatus.Vanished, 0)]
    [InlineData(MigrationStatus.Failed, 1)]
    [InlineData(MigrationStatus.Refused, 1)]
    [InlineData(MigrationStatus.Timeout, 1)]
    public void ExitCode_FollowsTheWorstResult(MigrationStatus second, int exitCode)
    {
        var outcomes = DecisionOutcome.Pair([Decision("a"), Decision("b")], [Result("a", MigrationStatus.Done), Result("b", second)], waited: true, timedOut: false);

        Assert.Equal(exitCode, DecisionOutcome.ExitCode(outcomes));
    }

    [Fact]
    public void ExitCode_NothingToDoOrNotWaitingOrDryRun_IsOk()
    {
        Assert.Equal(ExitCodes.Ok, DecisionOutcome.ExitCode([]));
        var pending = DecisionOutcome.Pair([Decision("a")], [], waited: false, timedOut: false);
        var dryRun = DecisionOutcome.Pair([Decision("a", dryRun: true)], [], waited: true, timedOut: true);

        Assert.Equal((MigrationStatuses.Pending, ExitCodes.Ok), (pending[0].Status, DecisionOutcome.ExitCode(pending)));
        Assert.Equal((MigrationStatuses.DryRun, ExitCodes.Ok), (dryRun[0].Status, DecisionOutcome.ExitCode(dryRun)));
    }

    [Fact]
    public void Pair_AWaitThatTimedOut_MarksDecisionsWithoutAResultAsTimeout()
    {
        var outcomes = DecisionOutcome.Pair([Decision("a"), Decision("b")], [Result("a", MigrationStatus.Done)], waited: true, timedOut: true);

        Assert.Equal([MigrationStatuses.Done, MigrationStatuses.Timeout], outcomes.Select(o => o.Status));
        Assert.Equal(ExitCodes.Failed, DecisionOutcome.ExitCode(outcomes));
    }

    [Fact]
    public void DecisionsTable_FitsEightyColumns_AndSummarisesByStatus()
    {
        var outcomes = DecisionOutcome.Pair([Decision("a"), Decision("b")], [Result("a", MigrationStatus.Done)], waited: true, timedOut: true);
        var w = new StringWriter();

        DecisionsView.Table(w, outcomes, null, LiveRun.TerminalWidth);

        LiveVerbTests.AssertFits(w.ToString());
        // the widest free-text column (the reason) gives way first; the command name fits whole
        Assert.Contains("\n7    a-very-long-command-name  0     3   done     rrrr", w.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("...\n2 decisions: 1 done, 1 timeout\n", w.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NodesJson_HasTheDocumentedKeys_WithNullForUnknown()
    {
        var reply = new NodesReply { Vm = "giantvm", Nodes = { new NodeStatus { NodeId = 2, Cpus = "4-5", StealRatio = 0.2, Stale = true } } };

        using var doc = JsonDocument.Parse(NodesView.Json(reply));
        var node = Assert.Single(doc.RootElement.GetProperty("nodes").EnumerateArray());

        Assert.Equal(["node", "cpus", "stealRatio", "smoothedStealRatio", "state", "hot", "stale", "hostStealRatio", "hostLcBusyCores",
            "hostCapacityCores", "memTotalBytes", "memFreeBytes", "reportAgeSeconds", "drained", "beTasks"], node.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, node.GetProperty("smoothedStealRatio").ValueKind);
        Assert.Equal("stale", node.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData(null, "-")]
    [InlineData(512.0, "512B")]
    [InlineData(1536.0, "1.5K")]
    [InlineData(4294967296.0, "4.0G")]
    [InlineData(53687091200.0, "50G")]
    public void Bytes_AreShortBinaryUnits(double? bytes, string text) => Assert.Equal(text, LiveText.Bytes(bytes));

    [Theory]
    [InlineData(5.9, "5s")]
    [InlineData(150, "2m")]
    [InlineData(7300, "2h")]
    [InlineData(200000, "2d")]
    public void Age_IsWholeUnits(double seconds, string text) => Assert.Equal(text, LiveText.Age(seconds));

    [Fact]
    public void NodesTable_Wide_AddsHostStealAndTotalMemory()
    {
        var reply = new NodesReply { Nodes = { new NodeStatus { NodeId = 1, Cpus = "0-3", HostStealRatio = 0.25, MemTotalBytes = 8UL << 30, MemFreeBytes = 2UL << 30 } } };
        var table = new StringWriter();
        var wide = new StringWriter();

        NodesView.Table(table, reply);
        NodesView.Table(wide, reply, wide: true);

        Assert.DoesNotContain("HOST-STEAL", table.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("NODE  CPUS  STEAL  SMOOTH  STATE  HOST-STEAL  HOST-LC  CAP  MEM-FREE  MEM-TOTAL  AGE  DRAINED  BE\n", wide.ToString(), StringComparison.Ordinal);
        Assert.Contains("  0.250       ", wide.ToString(), StringComparison.Ordinal);
        Assert.Contains("2.0G      8.0G", wide.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MigrationsTable_Wide_AddsMigrationIdKindAndStartTime_AndPipedCutsNothing()
    {
        var record = new GiantVm.Scheduling.Journal.JournalRecord
        {
            Id = "r1", Kind = JournalKinds.Decision, MigrationId = "m-42", Time = DateTimeOffset.UnixEpoch, Pid = 7, StartTime = 1234,
            Comm = "a-very-long-command-name", From = 0, To = 1, Status = MigrationStatuses.Pending, Reason = new string('r', 150),
        };
        var wide = new StringWriter();

        MigrationsView.Table(wide, [record], width: null, wide: true);

        var lines = wide.ToString().Split('\n');
        Assert.StartsWith("TIME            MIGRATION  KIND      PID  START  COMM ", lines[0], StringComparison.Ordinal);
        Assert.Contains("m-42       decision  7    1234   a-very-long-command-name", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(new string('r', 150), lines[1], StringComparison.Ordinal);
    }
}
