using GiantVm.Simulator.Emulation;

namespace GiantVm.Simulator.Tests.Emulation;

public sealed class ControlFilesTests
{
    // Issue 16: the emulator reads request files any local process can write; deep JSON must be a
    // refused request (System.Text.Json's MaxDepth), never an exception out of the emulator loop.
    [Theory]
    [InlineData('[')]
    [InlineData('{')]
    public void TryParseRequest_DeeplyNested_IsRefusedWithAReason(char open)
    {
        var text = open == '[' ? "{\"pid\":" + new string('[', 100_000) : string.Concat(Enumerable.Repeat("{\"a\":", 100_000));

        var ok = ControlFiles.TryParseRequest(text, "c1", out _, out var error);

        Assert.False(ok);
        Assert.StartsWith("not JSON: ", error, StringComparison.Ordinal);
    }
}
