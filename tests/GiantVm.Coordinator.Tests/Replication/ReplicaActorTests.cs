using Akka.Actor;
using Akka.Hosting;
using GiantVm.Coordinator.Replication;
using Microsoft.Extensions.Time.Testing;

namespace GiantVm.Coordinator.Tests.Replication;

public sealed class ReplicaActorTests : Akka.Hosting.TestKit.TestKit, IDisposable
{
    private readonly TestReplicas _replicas = new(new FakeTimeProvider());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    public void Dispose() => _replicas.Dispose();

    /// <summary>A replica over its own folder; returns it and a reader of what it wrote.</summary>
    internal (IActorRef Replica, Func<IReadOnlyList<ReplicatedEntry>> Written) Replica(string name, params ReplicatedEntry[] existing)
    {
        var replica = _replicas.Start(Sys, name, existing);
        return (replica.Actor, replica.Store.ReadAll);
    }

    [Fact]
    public async Task Append_TheSameEntryTwice_IsAcknowledgedTwice_ButWrittenOnce()
    {
        var (replica, written) = Replica("a");
        var entry = ReplicaIndexTests.Record(1);

        var first = await replica.Ask<ReplicaAck>(new ReplicaAppend(entry, replica), TimeSpan.FromSeconds(5), Ct);
        var again = await replica.Ask<ReplicaAck>(new ReplicaAppend(entry, replica), TimeSpan.FromSeconds(5), Ct);

        Assert.Equal((entry.Id, 1L, "a"), (first.Id, first.Seq, first.Member));
        Assert.Equal(entry.Id, again.Id);
        Assert.Single(written());
    }

    [Fact]
    public async Task Append_AfterAGap_CatchesUpTheMissingEntriesFromTheLeader()
    {
        var (leader, _) = Replica("leader", ReplicaIndexTests.Record(1), ReplicaIndexTests.Change(2, StateKinds.Drain, 1), ReplicaIndexTests.Record(3));
        var (follower, written) = Replica("follower", ReplicaIndexTests.Record(1));

        await follower.Ask<ReplicaAck>(new ReplicaAppend(ReplicaIndexTests.Record(4), leader), TimeSpan.FromSeconds(5), Ct);

        await AwaitAssertAsync(() => Assert.Equal(["r-1", "s-2", "r-3", "r-4"], written().Select(e => e.Id)), TimeSpan.FromSeconds(5), cancellationToken: Ct);
    }

    [Fact]
    public async Task CatchUpFrom_APeer_CopiesOnlyWhatIsMissing_InPages()
    {
        var entries = Enumerable.Range(1, 450).Select(i => ReplicaIndexTests.Record(i)).ToArray();
        var (peer, _) = Replica("peer", entries);
        var (behind, written) = Replica("behind", entries[..100]);

        var caught = await behind.Ask<CaughtUp>(new CatchUpFrom(peer, 36, long.MaxValue), TimeSpan.FromSeconds(10), Ct);

        Assert.Equal((450L, 350, true), (caught.Highest, caught.Added, caught.Complete));
        Assert.Equal(entries.Select(e => e.Id), written().Select(e => e.Id));
    }

    [Fact]
    public async Task CatchUpFrom_APeerThatDoesNotAnswer_ReportsIncomplete()
    {
        var (behind, _) = Replica("behind", ReplicaIndexTests.Record(1));
        var silent = CreateTestProbe();

        var caught = await behind.Ask<CaughtUp>(new CatchUpFrom(silent.Ref, 0, long.MaxValue), TimeSpan.FromSeconds(20), Ct);

        Assert.False(caught.Complete);
        Assert.Equal(1, caught.Highest);
    }
}
