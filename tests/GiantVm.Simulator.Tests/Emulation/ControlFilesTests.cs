using GiantVm.Common.Emulation;
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

        var ok = EmulatorControl.TryParseRequest(text, "c1", out _, out var error);

        Assert.False(ok);
        Assert.StartsWith("not a JSON request: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Take_HugeFiles_AreRefusedAfterABoundedRead_AndDeleted()
    {
        var root = Directory.CreateTempSubdirectory("giantvm-control-");
        try
        {
            var control = new ControlFiles(root.FullName);
            File.WriteAllText(Path.Combine(control.RequestsDir, "c1.json"), "{\"pid\": 1, \"pad\": \"" + new string('x', 10 << 20) + "\"}");
            File.WriteAllText(Path.Combine(control.LcDir, "0"), "95%" + new string(' ', 10 << 20));

            var (requests, bad) = control.Take(1.0);
            var (changes, errors) = control.TakeLcChanges();

            Assert.Empty(requests);
            Assert.Equal("bad request c1.json: is over the 64 KiB limit", Assert.Single(bad).Error);
            Assert.Empty(changes);
            Assert.Equal(["control/lc/0 ignored: is over the 64 KiB limit"], errors);
            Assert.Empty(Directory.GetFiles(control.RequestsDir));
            Assert.Empty(Directory.GetFiles(control.LcDir));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
