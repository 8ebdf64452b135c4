using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using GiantVm.Coordinator.Hosting;

namespace GiantVm.Coordinator.Tests.Hosting;

public sealed class MemberExitTests
{
    [Fact]
    public void Decide_Downed_IsAFailureEvenWhileTheHostStops() =>
        Assert.Contains("downed", MemberExit.Decide(CoordinatedShutdown.ClusterDowningReason.Instance, hostStopping: true, removed: true), StringComparison.Ordinal);

    [Fact]
    public void Decide_AStopTheHostAskedFor_IsClean()
    {
        Assert.Null(MemberExit.Decide(CoordinatedShutdown.ClusterLeavingReason.Instance, hostStopping: true, removed: true));
        Assert.Null(MemberExit.Decide(CoordinatedShutdown.ClrExitReason.Instance, hostStopping: true, removed: true));
    }

    [Fact]
    public void Decide_RemovedBeforeAnyShutdownReason_IsDowned() =>
        Assert.Contains("downed", MemberExit.Decide(null, hostStopping: false, removed: true), StringComparison.Ordinal);

    [Fact]
    public void Decide_TheProcessExitHook_IsACleanStop_EvenBeforeTheHostStops() =>
        Assert.Null(MemberExit.Decide(CoordinatedShutdown.ClrExitReason.Instance, hostStopping: false, removed: false));

    [Theory]
    [InlineData("leaving", "left the cluster")]
    [InlineData("unknown", "UnknownReason")]
    [InlineData("none", "no shutdown reason")]
    public void Decide_TheActorSystemEndingOnItsOwn_IsAFailureNamingWhy(string reason, string expected)
    {
        CoordinatedShutdown.Reason? r = reason switch
        {
            "leaving" => CoordinatedShutdown.ClusterLeavingReason.Instance,
            "unknown" => CoordinatedShutdown.UnknownReason.Instance,
            _ => null,
        };

        Assert.Contains(expected, MemberExit.Decide(r, hostStopping: false, removed: false), StringComparison.Ordinal);
    }

    private static readonly JoinRule Rule = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(15), Quorum: 2, Size: 3, ["akka.tcp://giantvm@10.0.0.1:4053", "akka.tcp://giantvm@10.0.0.2:4053"]);
    private static readonly string[] Island = ["akka.tcp://giantvm@10.0.0.1:4053"];

    [Fact]
    public void JoinWatch_NotUpAfterTheTimeout_NamesTheMembersSeen_WhatIsNeeded_AndTheSetting()
    {
        Assert.Null(JoinWatch.Decide(Rule, TimeSpan.FromSeconds(59), up: false, joined: true, Island, new Dictionary<string, TimeSpan>()));
        Assert.Equal(
            "this member is not Up 60 s after it started: the cluster it is in has 1 member(s) (akka.tcp://giantvm@10.0.0.1:4053) and needs 2 " +
            "(a majority of --cluster-size 3) before any may serve; the other members are unreachable or not started (Coordinator:Akka:JoinTimeoutSeconds)",
            JoinWatch.Decide(Rule, TimeSpan.FromSeconds(60), up: false, joined: true, Island, new Dictionary<string, TimeSpan>()));
        Assert.Null(JoinWatch.Decide(Rule with { Timeout = TimeSpan.Zero }, TimeSpan.FromHours(1), up: false, joined: true, Island, new Dictionary<string, TimeSpan>()));
        Assert.Null(JoinWatch.Decide(Rule, TimeSpan.FromHours(1), up: true, joined: true, Island, new Dictionary<string, TimeSpan>()));
    }

    [Fact]
    public void JoinWatch_AnIslandWhoseSeedAnswersWithoutJoining_GivesUpAfterTheGrace()
    {
        var answering = new Dictionary<string, TimeSpan> { ["akka.tcp://giantvm@10.0.0.2:4053"] = TimeSpan.FromSeconds(15) };

        Assert.Equal(
            "this member is not Up and seed node akka.tcp://giantvm@10.0.0.2:4053 has answered for 15 s without joining its cluster " +
            "(1 member(s): akka.tcp://giantvm@10.0.0.1:4053; 2 needed, a majority of --cluster-size 3): " +
            "the seed is in another cluster (this member formed its own while cut off), which it joins when it starts again",
            JoinWatch.Decide(Rule, TimeSpan.FromSeconds(20), up: false, joined: true, Island, answering));
        // a shorter answer, a seed still asking the seeds itself, or a member that is Up: wait
        Assert.Null(JoinWatch.Decide(Rule, TimeSpan.FromSeconds(20), up: false, joined: true, Island,
            new Dictionary<string, TimeSpan> { ["akka.tcp://giantvm@10.0.0.2:4053"] = TimeSpan.FromSeconds(14) }));
        Assert.Null(JoinWatch.Decide(Rule, TimeSpan.FromSeconds(20), up: false, joined: false, Island, answering));
        Assert.Null(JoinWatch.Decide(Rule, TimeSpan.FromSeconds(20), up: true, joined: true, Island, answering));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    public void Quorum_IsAMajorityOfTheClusterSize(int size, int quorum) =>
        Assert.Equal(quorum, new CoordinatorOptions { ClusterSize = size }.Quorum);
}

/// <summary>The real coordinator process, downed by another cluster member, must exit non-zero (systemd restarts it).</summary>
[Trait("Category", "e2e")]
public sealed class MemberExitProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("giantvm-member-exit-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CoordinatorProcess StartMember(int akkaPort)
    {
        var policy = Path.Combine(_folder, "policy.yaml");
        File.WriteAllText(policy, CoordinatorUnderTest.FastPolicy);
        return CoordinatorProcess.Start(["--policy", policy, "--data-dir", Path.Combine(_folder, "data"), "--akka-port", akkaPort.ToString(CultureInfo.InvariantCulture)]);
    }

    [Fact]
    public async Task AMemberDownedByAnotherMember_ExitsWithCode1_AndSaysWhy()
    {
        var akkaPort = FreePort.Next();
        using var coordinator = StartMember(akkaPort);
        await coordinator.WaitHealthyAsync();
        var target = $"akka.tcp://giantvm@127.0.0.1:{akkaPort}";
        // A second member (a bare Akka cluster node in this test process) joins, then downs the coordinator.
        using var other = ActorSystem.Create("giantvm", ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.cluster.seed-nodes = ["{{target}}"]
            akka.loglevel = WARNING
            """));
        var cluster = Cluster.Get(other);
        await Until(() => cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 2, "the second member is not Up");

        cluster.Down(Address.Parse(target));
        var exitCode = await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 1, coordinator.Output);
        Assert.True(coordinator.Output.Contains("exiting with code 1: this member was downed", StringComparison.Ordinal), coordinator.Output);
        await CoordinatedShutdown.Get(other).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }

    /// <summary>
    /// The island: a first seed that cannot reach the other seeds joins itself after the seed
    /// timeout, a cluster of one. Below the quorum (2 of 3) it must never be Up, so it hosts no
    /// rebalancer and fails its health check, and after the join timeout it exits 1 saying why
    /// (systemd then starts it again, and it asks the seeds afresh).
    /// </summary>
    [Fact]
    [Trait("Category", "postgres")]
    public async Task AFirstSeedAloneInAClusterOfThree_IsNeverUp_AndExitsWithCode1AfterTheJoinTimeout()
    {
        await using var postgres = await GiantVm.Testing.TestPostgres.StartAsync(Ct);
        var (self, absent) = (FreePort.Fixed(), FreePort.Fixed());
        var policy = Path.Combine(_folder, "fast.yaml");
        File.WriteAllText(policy, CoordinatorUnderTest.FastPolicy);
        using var coordinator = CoordinatorProcess.Start(
            ["--policy", policy, "--data-dir", Path.Combine(_folder, "data"), "--member-name", "island", "--akka-port", self.ToString(CultureInfo.InvariantCulture),
             "--seed-nodes", $"akka.tcp://giantvm@127.0.0.1:{self},akka.tcp://giantvm@127.0.0.1:{absent}", "--cluster-size", "3", "--store", postgres.StoreUri],
            new Dictionary<string, string> { ["GIANTVM_Coordinator__Akka__JoinTimeoutSeconds"] = "15" });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var sawHealthy = false;
        var joinedItself = false;
        while (!coordinator.Process.HasExited)
        {
            try
            {
                sawHealthy |= await http.GetStringAsync($"http://127.0.0.1:{coordinator.MetricsPort}/healthz", Ct) == "Healthy";
            }
            catch (HttpRequestException)
            {
                // not listening yet, or Unhealthy (503)
            }
            catch (TaskCanceledException) when (!Ct.IsCancellationRequested)
            {
            }

            joinedItself |= coordinator.Output.Contains("is JOINING", StringComparison.OrdinalIgnoreCase);
            await Task.Delay(250, Ct);
        }

        var exitCode = await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 1, coordinator.Output);
        Assert.False(sawHealthy, "the island member said Healthy (Up) although it is alone in a cluster of 3: " + coordinator.Output);
        Assert.True(joinedItself, "the first seed never joined itself (the island this test is about): " + coordinator.Output);
        Assert.Contains("exiting with code 1", coordinator.Output, StringComparison.Ordinal);
        Assert.Contains("is not Up 15 s after it started: the cluster it is in has 1 member(s)", coordinator.Output, StringComparison.Ordinal);
        Assert.Contains("needs 2 (a majority of --cluster-size 3)", coordinator.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Leader is moving node [Up]", coordinator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigtermOfAOneMemberCluster_ExitsWithCode0()
    {
        using var coordinator = StartMember(FreePort.Next());
        await coordinator.WaitHealthyAsync();

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", coordinator.Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        Assert.Equal(0, await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain("exiting with code 1", coordinator.Output, StringComparison.Ordinal);
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what + " within 30 s");
            await Task.Delay(100, Ct);
        }
    }
}
