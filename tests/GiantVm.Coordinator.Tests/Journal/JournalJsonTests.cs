using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Tests.Journal;

public sealed class JournalJsonTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    internal static JournalRecord Decision(string migrationId = "m-1", int pid = 4242, int from = 1, int to = 2, string status = MigrationStatuses.Pending) => new()
    {
        Id = "r-" + migrationId,
        Kind = JournalKinds.Decision,
        MigrationId = migrationId,
        CommandId = "c-" + migrationId,
        Time = T0,
        Pid = pid,
        StartTime = 123456,
        Comm = "stress",
        From = from,
        To = to,
        Reason = "steal 0.40 -> 0.02",
        Status = status,
        Member = "node-a:5000",
    };

    [Fact]
    public void Serialize_WritesEveryDocumentedKeyInOrder()
    {
        var line = JournalJson.Serialize(Decision());

        Assert.Equal(
            "{\"id\":\"r-m-1\",\"kind\":\"decision\",\"migrationId\":\"m-1\",\"commandId\":\"c-m-1\",\"time\":\"2026-11-25T12:00:00+00:00\"," +
            "\"vm\":\"giantvm\",\"trigger\":\"auto\",\"dryRun\":false,\"pid\":4242,\"startTime\":123456,\"comm\":\"stress\",\"from\":1,\"to\":2," +
            "\"reason\":\"steal 0.40 -> 0.02\",\"status\":\"pending\",\"pagesMoved\":null,\"pagesLeft\":null,\"durationMs\":null,\"error\":null,\"member\":\"node-a:5000\"}",
            line);
    }

    [Fact]
    public void Parse_OfSerialized_GivesTheSameRecord()
    {
        var record = Decision() with { Kind = JournalKinds.Result, Status = MigrationStatuses.Partial, PagesMoved = 10, PagesLeft = 2, DurationMs = 12.5, Error = "x" };

        Assert.Equal(record, JournalJson.Parse(JournalJson.Serialize(record), "j", 1));
    }

    [Fact]
    public void ReadLines_IgnoresATornLastLine()
    {
        var text = JournalJson.WriteLines([Decision("m-1"), Decision("m-2")]) + "{\"id\":\"r-3\",\"kind\":\"dec";

        var records = JournalJson.ReadLines(text, "migrations.jsonl");

        Assert.Equal(["m-1", "m-2"], records.Select(r => r.MigrationId));
    }

    [Fact]
    public void ReadLines_WhenAMiddleLineIsCorrupt_NamesFileAndLine()
    {
        var text = JournalJson.Serialize(Decision("m-1")) + "\nnot json\n" + JournalJson.Serialize(Decision("m-2")) + "\n";

        var error = Assert.Throws<JournalFormatException>(() => JournalJson.ReadLines(text, "migrations.jsonl"));

        Assert.StartsWith("migrations.jsonl:2: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"id\":\"a\",\"kind\":\"other\",\"migrationId\":\"m\",\"time\":\"2026-11-25T12:00:00Z\",\"status\":\"done\"}", "kind must be decision or result")]
    [InlineData("{\"kind\":\"result\",\"migrationId\":\"m\",\"time\":\"2026-11-25T12:00:00Z\",\"status\":\"done\"}", "id")]
    public void Parse_RejectsInvalidRecords(string line, string expected)
    {
        var error = Assert.Throws<JournalFormatException>(() => JournalJson.Parse(line, "f", 7));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(7, error.Line);
    }
}
