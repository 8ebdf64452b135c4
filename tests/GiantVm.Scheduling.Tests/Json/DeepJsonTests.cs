using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;

namespace GiantVm.Scheduling.Tests.Json;

/// <summary>
/// Issue 16 asked whether the JSON readers share the YAML parser's stack overflow. They do not:
/// System.Text.Json refuses nesting deeper than 64 without recursion (MaxDepth); these tests pin
/// that the refusal arrives as each reader's documented error, not as another exception.
/// </summary>
public sealed class DeepJsonTests
{
    public static TheoryData<string> Deep() => new()
    {
        "{\"time\":" + new string('[', 100_000),
        "{\"nodes\":" + new string('[', 100_000) + new string(']', 100_000) + "}",
        string.Concat(Enumerable.Repeat("{\"nodes\":", 100_000)),
        new string('[', 100_000),
    };

    [Theory]
    [MemberData(nameof(Deep))]
    public void SnapshotParse_DeeplyNested_IsASnapshotFormatError(string json)
    {
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotJson.Parse(json, "deep.json"));

        Assert.StartsWith("deep.json:1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Deep))]
    public void SnapshotSeries_DeeplyNested_IsASnapshotFormatError(string json)
    {
        Assert.Throws<SnapshotFormatException>(() => SnapshotJson.ReadSeries(json + "\n" + json, "deep.jsonl"));
    }

    [Theory]
    [MemberData(nameof(Deep))]
    public void JournalParse_DeeplyNested_IsAJournalFormatError(string json)
    {
        var e = Assert.Throws<JournalFormatException>(() => JournalJson.Parse(json, "journal.jsonl", 7));

        Assert.Equal(7, e.Line);
    }
}
