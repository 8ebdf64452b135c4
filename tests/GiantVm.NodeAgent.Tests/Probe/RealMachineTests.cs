using System.Diagnostics;
using System.Text.Json;

namespace GiantVm.NodeAgent.Tests.Probe;

/// <summary>probe against this machine's real /proc and /sys with the default roots.</summary>
[Trait("Category", "e2e")]
[Collection(RealProcesses.Name)]
public sealed class RealMachineTests : IDisposable
{
    private readonly Process _sleep = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
    private readonly string _pidFile = Path.GetTempFileName();

    public void Dispose()
    {
        _sleep.Kill();
        _sleep.Dispose();
        File.Delete(_pidFile);
    }

    private static async Task<(int Code, JsonDocument Json)> Probe(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AgentCommandLine.RunAsync(["probe", "-o", "json", "--interval", "200ms", .. args], stdout, stderr, TimeProvider.System);
        Assert.True(code == 0, stderr.ToString());
        return (code, JsonDocument.Parse(stdout.ToString()));
    }

    [Fact]
    public async Task Guest_OnThisMachine_FindsTheBeTaskAndSaneRatios()
    {
        await File.WriteAllTextAsync(_pidFile, _sleep.Id + "\n", TestContext.Current.CancellationToken);
        var (_, json) = await Probe("--role", "guest", "--be-pid-file", _pidFile);
        using (json)
        {
            var nodes = json.RootElement.GetProperty("nodes");
            Assert.True(nodes.GetArrayLength() >= 1);
            foreach (var node in nodes.EnumerateArray())
            {
                Assert.InRange(node.GetProperty("stealRatio").GetDouble(), 0, 1);
                Assert.InRange(node.GetProperty("busyRatio").GetDouble(), 0, 1);
                Assert.True(node.GetProperty("memTotalBytes").GetInt64() > 0);
            }

            var task = json.RootElement.GetProperty("tasks").EnumerateArray().Single();
            Assert.Equal(_sleep.Id, task.GetProperty("pid").GetInt32());
            Assert.Equal("sleep", task.GetProperty("comm").GetString());
            Assert.True(task.GetProperty("rssBytes").GetInt64() > 0);
            Assert.Equal(JsonValueKind.Number, task.GetProperty("node").ValueKind);
        }
    }

    [Fact]
    public async Task Host_OnThisMachine_ReportsSaneFigures()
    {
        var (_, json) = await Probe("--role", "host");
        using (json)
        {
            var root = json.RootElement;
            var cpus = root.GetProperty("cpuCount").GetInt32();
            Assert.Equal(Environment.ProcessorCount, cpus);
            Assert.InRange(root.GetProperty("busyCores").GetDouble(), 0, cpus);
            Assert.InRange(root.GetProperty("lcBusyCores").GetDouble(), 0, cpus);
            Assert.True(root.GetProperty("memAvailableBytes").GetInt64() > 0);
        }
    }
}
