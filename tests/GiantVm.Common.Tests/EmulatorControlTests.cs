using GiantVm.Common.Emulation;

namespace GiantVm.Common.Tests;

public class EmulatorControlTests
{
    [Fact]
    public void Request_RoundTripsInTheDocumentedShape()
    {
        var text = EmulatorControl.Serialize(new MoveRequestFile("c-1", 4100, 354000, 0, [1]));

        Assert.Equal("{\"command_id\":\"c-1\",\"pid\":4100,\"start_time_ticks\":354000,\"to_node\":0,\"from_nodes\":[1]}\n", text);
        Assert.True(EmulatorControl.TryParseRequest(text, "c-1", out var back, out var error), error);
        Assert.Equal((4100, (ulong?)354000, 0), (back.Pid!.Value, back.StartTimeTicks, back.ToNode!.Value));
        Assert.Equal([1], back.FromNodes!);
    }

    [Fact]
    public void Request_WithoutOptionalFields_TakesTheIdFromTheFileName()
    {
        Assert.True(EmulatorControl.TryParseRequest("{\"pid\":7,\"to_node\":2}", "c-9", out var r, out var error), error);

        Assert.Equal(("c-9", (ulong?)null, 0), (r.CommandId, r.StartTimeTicks, r.FromNodes!.Count));
    }

    [Theory]
    [InlineData("not json", "not a JSON request")]
    [InlineData("null", "not a JSON object")]
    [InlineData("{\"pid\":7}", "pid and to_node are required")]
    [InlineData("{\"pid\":\"seven\",\"to_node\":1}", "not a JSON request")]
    [InlineData("{\"command_id\":\"other\",\"pid\":7,\"to_node\":1}", "command_id 'other' differs from the file name")]
    [InlineData("{\"command_id\":\"../x\",\"pid\":7,\"to_node\":1}", "command_id must be 1-128 letters")]
    public void Request_WhenBad_SaysWhy(string text, string expected)
    {
        Assert.False(EmulatorControl.TryParseRequest(text, "c-1", out _, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Done_RoundTrips_WithPagesPerNodeKeyedByNode()
    {
        var done = new MoveDoneFile("c-1", 4100, "done", "", 0, new Dictionary<int, long> { [1] = 65536 },
            new Dictionary<int, long> { [0] = 65536 }, 65536, 0, "4-7", "0-3", 1.5, 2.25, 750);

        var text = EmulatorControl.Serialize(done);
        var back = EmulatorControl.ParseDone(text);

        Assert.Contains("\"pages_before\":{\"1\":65536}", text, StringComparison.Ordinal);
        Assert.Contains("\"duration_ms\":750", text, StringComparison.Ordinal);
        Assert.NotNull(back);
        Assert.Equal(("done", 65536L, 750.0), (back.Status, back.PagesAfter[0], back.DurationMs));
        Assert.Null(EmulatorControl.ParseDone("{\"status\":"));
    }

    [Theory]
    [InlineData("c-1", "c-1")]
    [InlineData("a/b c", "a_b_c")]
    [InlineData(".hidden", "c.hidden")]
    [InlineData("", "c")]
    public void FileId_IsASafeFileName(string id, string expected)
    {
        Assert.Equal(expected, EmulatorControl.FileId(id));
        Assert.True(EmulatorControl.IsSafeId(EmulatorControl.FileId(id)));
    }
}
