using System.Diagnostics;
using System.Globalization;
using GiantVm.Linux;
using GiantVm.NodeAgent.Tests.Reporting;

namespace GiantVm.NodeAgent.Tests.Launch;

/// <summary><c>giantvm-agent launch</c> as a real process against the fake coordinator's AdminService.</summary>
[Trait("Category", "e2e")]
[Collection(RealProcesses.Name)]
public sealed class LaunchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("giantvm-launch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Agent => AgentBinary.Path;

    [Fact]
    public async Task Launch_WithAnAdvisedNode_ExecsTheCommandUnderNumactlAsABeTask()
    {
        await using var coordinator = await FakeCoordinator.StartAsync();
        var name = "gvml" + Guid.NewGuid().ToString("N")[..8];
        var copy = Path.Combine(_dir, name);
        File.Copy("/bin/sleep", copy);
        var pidFile = Path.Combine(_dir, "be.pids");
        var start = new ProcessStartInfo(Agent) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "launch", "--coordinator", coordinator.Address.ToString(), "--be-pid-file", pidFile, "--cpu-cores", "0.5", "--timeout", "30", "--", copy, "60" })
        {
            start.ArgumentList.Add(a);
        }

        // --timeout 30: on a loaded 2-core CI machine the first advice call (JIT of the gRPC
        // stack included) can take longer than the 5 s default; the default is not what this tests
        using var process = Process.Start(start)!;
        try
        {
            var proc = new ProcFs();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(45));
            while (proc.TryReadPidStat(process.Id)?.Comm != name)
            {
                if (process.HasExited)
                {
                    Assert.Fail("launch exited: " + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
                }

                await Task.Delay(20, timeout.Token);
            }

            var node0 = new SysFs().ReadNumaTopology().Nodes.Single(n => n.Id == 0).CpuList;
            Assert.Equal(node0, proc.TryReadPidStatus(process.Id)!.CpusAllowedList);
            Assert.Contains(process.Id.ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile).Split('\n'));
            Assert.Contains("prefer:0", File.ReadAllText($"/proc/{process.Id}/numa_maps"));
            Assert.Equal(0.5, coordinator.Shared.AdviseRequests.Single().CpuCores);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Launch_WithNoCoordinatorReachable_SaysSoExits3AndStartsNothing()
    {
        var marker = Path.Combine(_dir, "started");
        var start = new ProcessStartInfo(Agent) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "launch", "--coordinator", "http://127.0.0.1:1", "--", "touch", marker })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, process.ExitCode);
        Assert.Contains("no coordinator reachable", stderr);
        Assert.False(File.Exists(marker));
    }
}
