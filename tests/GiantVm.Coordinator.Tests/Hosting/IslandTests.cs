using System.Diagnostics;
using GiantVm.Contracts.V1;
using GiantVm.Testing;

namespace GiantVm.Coordinator.Tests.Hosting;

/// <summary>
/// The island a restarted first seed forms when the other seeds do not answer (docs/state.md, "A
/// member cut off from the majority"), with three real processes on 127.0.0.1: the other two are
/// frozen (SIGSTOP) while the first seed starts again, so it joins itself; then they run on.
/// </summary>
[Trait("Category", "e2e")]
[Trait("Category", "postgres")]
[Collection(RealProcesses.Name)]
public sealed class IslandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("giantvm-island-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ARestartedFirstSeedAlone_IsNeverUp_AndOnceTheOthersAnswer_ExitsAndJoinsTheirCluster()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        using var cluster = new CoordinatorCluster(_folder, CoordinatorClusterTests.Policy, postgres.StoreUri);
        await cluster.StartAllAsync();
        var rebalancer = await CoordinatorClusterTests.RebalancerAsync(cluster, via: 1, TimeSpan.FromSeconds(60));

        // member-0 (the first seed) dies and starts again while the other two answer nothing
        cluster.Kill(0);
        cluster.Stop(1);
        cluster.Stop(2);
        // without the join timeout (0 = wait forever), so that only the seeds' answers can end the
        // island: on a loaded machine its start and seed timeout took long enough for the 60 s
        // timeout to end it first, a correct exit but not the one this test is about
        cluster.Start(0, new Dictionary<string, string> { ["GIANTVM_Coordinator__Akka__JoinTimeoutSeconds"] = "0" });
        var island = cluster.Member(0);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var sawHealthy = false;
        async Task WatchHealthAsync()
        {
            try
            {
                sawHealthy |= await http.GetStringAsync($"http://127.0.0.1:{island.MetricsPort}/healthz", Ct) == "Healthy";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
            {
                // not listening yet, or Unhealthy (503)
            }
        }

        await CoordinatorClusterTests.WaitAsync(async () =>
        {
            await WatchHealthAsync();
            return island.Output.Contains("is JOINING itself", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(90), "the restarted first seed joining itself (the island)", cluster);
        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        await WatchHealthAsync();

        // the others run on: the island sees them answer without joining it, and exits 1 to join them
        cluster.Continue(1);
        cluster.Continue(2);
        var healed = Stopwatch.StartNew();
        while (!island.Process.HasExited && healed.Elapsed < TimeSpan.FromSeconds(90))
        {
            await WatchHealthAsync();
            await Task.Delay(250, Ct);
        }

        var exitCode = await island.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var exitedAfter = healed.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"island: {string.Join(" | ", island.Output.Split('\n').Where(l => l.Contains("JOINING itself", StringComparison.Ordinal) || l.Contains("exiting", StringComparison.Ordinal) || l.Contains("not Up", StringComparison.Ordinal)))}; exit {exitedAfter.TotalSeconds:0.0} s after the others ran on");
        Assert.True(exitCode == 1, island.Output);
        Assert.False(sawHealthy, "the island was Healthy (Up) alone in a cluster of 3: " + island.Output);
        Assert.DoesNotContain("Leader is moving node [Up]", island.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Rebalancer for giantvm started on member member-0", island.Output, StringComparison.Ordinal);
        Assert.Contains("without joining its cluster", island.Output, StringComparison.Ordinal);
        Assert.Contains("exiting with code 1", island.Output, StringComparison.Ordinal);

        // started again (as systemd's Restart=always would), it joins the majority
        cluster.Start(0);
        await cluster.Member(0).WaitHealthyAsync(90);
        var joinedAfter = healed.Elapsed;
        await CoordinatorClusterTests.WaitAsync(async () =>
        {
            var status = await cluster.Admin(0).GetStatusAsync(new StatusRequest { Vm = "giantvm" }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: Ct);
            return status.Members.Count(m => m.Status == "Up") == 3 && status.Recording;
        }, TimeSpan.FromSeconds(60), $"three members Up and the rebalancer (on member-{rebalancer} before) recording, asked through member-0", cluster);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"island exited {exitedAfter.TotalSeconds:0.0} s after the others ran on; member-0 Up in their cluster {joinedAfter.TotalSeconds:0.0} s after");
    }
}
