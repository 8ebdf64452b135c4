using System.Diagnostics;
using System.Text.Json;

namespace GiantVm.NodeAgent.Tests.EndToEnd;

/// <summary>
/// The agent executable itself (not the in-process command line): <c>probe -o json</c> for both
/// roles on this machine, and a configuration error. scripts/test.sh runs this class again against
/// the NativeAOT publish (<c>GIANTVM_TEST_AGENT</c>), where reflection-based JSON would fail.
/// </summary>
[Trait("Category", "e2e")]
[Collection(RealProcesses.Name)]
public sealed class AgentBinaryTests
{
    private static async Task<(int Code, string Out, string Err)> Agent(params string[] args)
    {
        var start = new ProcessStartInfo(AgentBinary.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }

        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task ProbeJson_Guest_ListsABeTaskWithItsPagesPerNode()
    {
        using var sleep = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var pidFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(pidFile, $"{sleep.Id}\n", TestContext.Current.CancellationToken);

            var (code, stdout, stderr) = await Agent("probe", "--role", "guest", "--interval", "200ms", "-o", "json", "--be-pid-file", pidFile);

            Assert.True(code == 0, $"exit {code}: {stderr}");
            using var json = JsonDocument.Parse(stdout);
            Assert.Equal("guest", json.RootElement.GetProperty("role").GetString());
            Assert.True(json.RootElement.GetProperty("nodes").GetArrayLength() >= 1);
            var task = json.RootElement.GetProperty("tasks").EnumerateArray().Single();
            Assert.Equal(sleep.Id, task.GetProperty("pid").GetInt32());
            Assert.Equal("sleep", task.GetProperty("comm").GetString());
            Assert.Equal(JsonValueKind.Object, task.GetProperty("pagesPerNode").ValueKind);
        }
        finally
        {
            sleep.Kill();
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task ProbeJson_Host_HasTheHostFields()
    {
        var (code, stdout, stderr) = await Agent("probe", "--role", "host", "--interval", "200ms", "-o", "json");

        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("host", json.RootElement.GetProperty("role").GetString());
        Assert.True(json.RootElement.GetProperty("cpuCount").GetInt32() >= 1);
        Assert.True(json.RootElement.TryGetProperty("memTotalBytes", out _));
    }

    [Fact]
    public async Task Run_WithABadNumaMapsMaxAge_ExitsTwoWithTheFlagNamed()
    {
        var (code, _, stderr) = await Agent("run", "--role", "guest", "--coordinator", "http://127.0.0.1:1", "--numa-maps-max-age", "0");

        Assert.Equal(2, code);
        Assert.Contains("--numa-maps-max-age 0 (Agent:NumaMapsMaxAge): expected 1 or more", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StartedWithALowSoftFileLimit_RaisesItToTheHardLimit()
    {
        // the JIT runtime raises it itself; this is what shows the NativeAOT build does too
        var agent = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "ulimit -S -n 256 2>/dev/null; exec \"$0\" run --role guest --coordinator http://127.0.0.1:1 --be-comm '^no-such-task$'", AgentBinary.Path })
        {
            agent.ArgumentList.Add(a);
        }

        using var p = Process.Start(agent)!;
        try
        {
            string? line = null;
            for (var i = 0; i < 100 && line is null; i++)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
                if (p.HasExited)
                {
                    Assert.Fail($"the agent exited {p.ExitCode}: " + await p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
                }

                line = File.ReadLines($"/proc/{p.Id}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal)) is { } l
                    && File.ReadAllText($"/proc/{p.Id}/comm").Trim() == "giantvm-agent" ? l : null;
                if (line is not null && line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3] == "256")
                {
                    line = null; // exec'd, but not yet past the start of Main
                }
            }

            Assert.NotNull(line);
            var fields = line!.Split(' ', StringSplitOptions.RemoveEmptyEntries); // Max open files SOFT HARD files
            Assert.Equal(fields[4], fields[3]);
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }
}
