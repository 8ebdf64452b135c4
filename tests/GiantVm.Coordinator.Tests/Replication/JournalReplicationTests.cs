using Akka.Actor;
using Akka.Actor.Dsl;
using Akka.Hosting;
using GiantVm.Coordinator.Replication;
using Microsoft.Extensions.Logging.Abstractions;

namespace GiantVm.Coordinator.Tests.Replication;

public sealed class JournalReplicationTests : Akka.Hosting.TestKit.TestKit
{
    /// <summary>For writes expected to fail: they wait this long for a majority that never answers.</summary>
    private static readonly TimeSpan ShortAck = TimeSpan.FromMilliseconds(300);

    /// <summary>For writes expected to succeed: they return at the majority's acknowledgement, long before this.</summary>
    private static readonly TimeSpan GenerousAck = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    /// <summary>An actor that answers every append (a healthy replica elsewhere).</summary>
    private IActorRef Acking(string member, long highest = 0) => Sys.ActorOf(act =>
    {
        act.Receive<ReplicaAppend>((a, ctx) => ctx.Sender.Tell(new ReplicaAck(a.Entry.Id, a.Entry.Seq, member)));
        act.Receive<GetReplicaStatus>((_, ctx) => ctx.Sender.Tell(new ReplicaStatus(highest, 0, member, "", ctx.Self)));
    });

    [Fact]
    public async Task Replicate_WithTwoOfThreeAcknowledging_Succeeds()
    {
        var silent = CreateTestProbe();
        var replication = new JournalReplication(Acking("a"), () => [Acking("a"), Acking("b"), silent.Ref], 3, GenerousAck, NullLogger.Instance);

        Assert.True(await replication.ReplicateAsync(ReplicaIndexTests.Record(1)));
    }

    [Fact]
    public async Task Replicate_WithOneOfThreeAcknowledging_FailsAfterTheTimeout()
    {
        var replication = new JournalReplication(Acking("a"), () => [Acking("a"), CreateTestProbe().Ref, CreateTestProbe().Ref], 3, ShortAck, NullLogger.Instance);

        Assert.False(await replication.ReplicateAsync(ReplicaIndexTests.Record(1)));
    }

    [Fact]
    public async Task Replicate_WithFewerReachableMembersThanAMajority_FailsAtOnce()
    {
        var replication = new JournalReplication(Acking("a"), () => [Acking("a")], 3, TimeSpan.FromMinutes(1), NullLogger.Instance);

        Assert.False(replication.MajorityReachable());
        Assert.False(await replication.ReplicateAsync(ReplicaIndexTests.Record(1)));
    }

    [Fact]
    public async Task Replicate_WhenTheClusterKnowsMoreMembersThanConfigured_CountsAMajorityOfThem()
    {
        // --cluster-size 1 on a member of a three-member cluster: one acknowledgement is not a majority
        var replication = new JournalReplication(Acking("a"), () => [Acking("a"), CreateTestProbe().Ref, CreateTestProbe().Ref], 1, ShortAck, NullLogger.Instance, membersKnown: () => 3);

        Assert.Equal(3, replication.ClusterSize);
        Assert.False(await replication.ReplicateAsync(ReplicaIndexTests.Record(1)));
    }

    [Fact]
    public void ClusterSize_WithFewerKnownMembersThanConfigured_StaysTheConfiguredSize()
    {
        var replication = new JournalReplication(Acking("a"), () => [Acking("a")], 3, ShortAck, NullLogger.Instance, membersKnown: () => 1);

        Assert.Equal(3, replication.ClusterSize);
        Assert.False(replication.MajorityReachable());
    }

    [Fact]
    public async Task Recover_WithoutAMajorityAnswering_Throws()
    {
        var local = Acking("a");
        var replication = new JournalReplication(local, () => [local, CreateTestProbe().Ref, CreateTestProbe().Ref], 3, ShortAck, NullLogger.Instance);

        var e = await Assert.ThrowsAsync<ReplicationUnavailableException>(replication.RecoverAsync);

        Assert.Contains("1 of 3", e.Message, StringComparison.Ordinal);
        Assert.False(Ct.IsCancellationRequested);
    }
}
