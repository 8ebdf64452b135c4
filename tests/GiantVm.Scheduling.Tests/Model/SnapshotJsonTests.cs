using GiantVm.Scheduling.Model;

namespace GiantVm.Scheduling.Tests.Model;

public class SnapshotJsonTests
{
    private const string IssueExample = """
        {"time":"2026-01-01T00:00:00Z",
         "nodes":[{"id":0,"stealRatio":0.02,"hostStealRatio":0.02,"hostLcBusyCores":3.5,
                   "hostCapacityCores":16,"cpus":"0-3","memTotalBytes":8589934592,
                   "memFreeBytes":4294967296,"ageSeconds":1.0,"drained":false}],
         "tasks":[{"pid":100,"startTime":5000,"comm":"be-1","node":1,"rssBytes":104857600,
                   "cpuCores":1.0}]}
        """;

    [Fact]
    public void Parse_TheDocumentedExample_ReadsEveryField()
    {
        var s = SnapshotJson.Parse(IssueExample, "snap.json");

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), s.Time);
        var n = Assert.Single(s.Nodes);
        Assert.Equal(
            new NodeSnapshot(0, 0.02)
            {
                HostStealRatio = 0.02,
                HostLcBusyCores = 3.5,
                HostCapacityCores = 16,
                Cpus = "0-3",
                MemTotalBytes = 8589934592,
                MemFreeBytes = 4294967296,
                AgeSeconds = 1.0,
                Drained = false,
            },
            n);
        Assert.Equal(new TaskSnapshot(100, 1) { StartTime = 5000, Comm = "be-1", RssBytes = 104857600, CpuCores = 1.0 }, Assert.Single(s.Tasks));
    }

    [Fact]
    public void Parse_OnlyRequiredFields_LeavesTheRestUnknown()
    {
        var s = SnapshotJson.Parse("""{"nodes":[{"id":2,"stealRatio":0.5}],"tasks":[{"pid":9,"node":2}]}""", "x");

        Assert.Null(s.Time);
        Assert.Equal(new NodeSnapshot(2, 0.5), s.Nodes.Single());
        Assert.Equal(new TaskSnapshot(9, 2), s.Tasks.Single());
    }

    [Fact]
    public void Serialize_ThenParse_GivesTheSameSnapshotOnOneLine()
    {
        var s = SnapshotJson.Parse(IssueExample, "snap.json");

        var json = SnapshotJson.Serialize(s);
        var back = SnapshotJson.Parse(json, "again");

        Assert.DoesNotContain('\n', json);
        Assert.StartsWith("""{"time":"2026-01-01T00:00:00+00:00","nodes":[{"id":0,"stealRatio":0.02,""", json, StringComparison.Ordinal);
        Assert.Equal(s.Time, back.Time);
        Assert.Equal(s.Nodes, back.Nodes);
        Assert.Equal(s.Tasks, back.Tasks);
    }

    [Fact]
    public void Serialize_LeavesOutUnknownValues()
    {
        var json = SnapshotJson.Serialize(new Snapshot(null, [new NodeSnapshot(1, 0.1)], [new TaskSnapshot(5, 1)]));

        Assert.Equal("""{"nodes":[{"id":1,"stealRatio":0.1,"drained":false}],"tasks":[{"pid":5,"node":1}]}""", json);
    }

    [Theory]
    [InlineData("""{"nodes":[{"id":0}]}""", "x.json:1: nodes[0]: missing required field 'stealRatio'")]
    [InlineData("""{"nodes":[{"id":0,"stealRatio":"high"}]}""", "x.json:1: nodes[0].stealRatio: wrong type, expected a number")]
    [InlineData("""{"nodes":[{"id":0,"stealRatio":0.1,"steal":1}]}""", "x.json:1: nodes[0].steal: unknown field 'steal'")]
    [InlineData("""{"nodes":[{"id":0,"stealRatio":1.5}]}""", "x.json:1: nodes[0].stealRatio: must be a ratio between 0 and 1 (got 1.5)")]
    [InlineData("""{"nodes":[{"id":0,"stealRatio":0.1},{"id":0,"stealRatio":0.1}]}""", "x.json:1: nodes[1].id: node 0 appears twice")]
    [InlineData("""{"tasks":[{"pid":1}]}""", "x.json:1: tasks[0]: missing required field 'node'")]
    [InlineData("""{"tasks":[{"pid":1,"node":0,"rssBytes":-1}]}""", "x.json:1: tasks[0].rssBytes: must be >= 0 (got -1)")]
    [InlineData("""{"time":"yesterday"}""", "x.json:1: time: wrong type, expected an ISO 8601 time like 2026-01-01T00:00:00Z")]
    [InlineData("""{"nodes":[""", "x.json:1: nodes[0]: not valid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed")]
    [InlineData("null", "x.json:1: is null, expected a snapshot object")]
    public void Parse_BadInput_NamesSourceLineAndField(string json, string message)
    {
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotJson.Parse(json, "x.json"));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Parse_MultiLineDocument_NamesTheLineOfTheBadField()
    {
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotJson.Parse("{\n\"nodes\": [\n {\"id\": 0, \"stealRatio\": true}\n]}", "x.json"));

        Assert.Equal(3, e.Line);
        Assert.Equal("nodes[0].stealRatio", e.Field);
    }

    [Fact]
    public void ReadSeries_OneMultiLineDocument_IsOneSnapshot() =>
        Assert.Single(SnapshotJson.ReadSeries(IssueExample, "snap.json"));

    [Fact]
    public void ReadSeries_JsonLines_IsOneSnapshotPerLineSkippingBlankLines()
    {
        const string text = "{\"time\":\"2026-01-01T00:00:00Z\",\"nodes\":[{\"id\":0,\"stealRatio\":0.1}]}\n\n" +
                            "{\"time\":\"2026-01-01T00:00:05Z\",\"nodes\":[{\"id\":0,\"stealRatio\":0.2}]}\n";

        var series = SnapshotJson.ReadSeries(text, "s.jsonl");

        Assert.Equal([0.1, 0.2], series.Select(s => s.Nodes[0].StealRatio));
    }

    [Fact]
    public void ReadSeries_BadLineInJsonLines_NamesThatLine()
    {
        const string text = "{\"nodes\":[]}\n{\"nodes\":[]}\n\n{\"nodes\":[{\"id\":0}]}\n";

        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotJson.ReadSeries(text, "s.jsonl"));

        Assert.Equal("s.jsonl:4: nodes[0]: missing required field 'stealRatio'", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n \n")]
    public void ReadSeries_Empty_IsAnError(string text) =>
        Assert.Equal("e.json:1: holds no snapshot (empty file)", Assert.Throws<SnapshotFormatException>(() => SnapshotJson.ReadSeries(text, "e.json")).Message);
}
