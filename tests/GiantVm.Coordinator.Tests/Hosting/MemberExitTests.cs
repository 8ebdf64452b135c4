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
