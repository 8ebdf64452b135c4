using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using Microsoft.Extensions.Logging.Abstractions;

namespace GiantVm.Coordinator.Tests.Agents;

public sealed class SessionManagerActorTests : Akka.Hosting.TestKit.TestKit
{
    private static readonly AgentIdentity Guest = new(AgentRole.Guest, 0, "giantvm");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    private OpenSession Open(AgentIdentity identity, Channel<CoordinatorMessage> outbox, Action<string> endStream) =>
        new(identity, "h", "test", DateTimeOffset.UtcNow, outbox.Writer, endStream, TestActor);

    [Fact]
    public async Task OpenSession_OfTheSameIdentity_EndsTheOlderStream()
    {
        var manager = Sys.ActorOf(SessionManagerActor.Props(NullLogger<SessionManagerActor>.Instance));
        var olderEnded = new TaskCompletionSource();
        var older = Channel.CreateUnbounded<CoordinatorMessage>();

        await manager.Ask<SessionOpened>(Open(Guest, older, _ => olderEnded.TrySetResult()), TimeSpan.FromSeconds(5), Ct);
        var newer = Channel.CreateUnbounded<CoordinatorMessage>();
        await manager.Ask<SessionOpened>(Open(Guest, newer, _ => { }), TimeSpan.FromSeconds(5), Ct);

        await olderEnded.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        var agents = await manager.Ask<AgentsList>(GetAgents.Instance, TimeSpan.FromSeconds(5), Ct);
        Assert.Single(agents.Agents);
    }

    [Fact]
    public async Task DeliverToGuest_ReachesTheGuestsOutbox()
    {
        var manager = Sys.ActorOf(SessionManagerActor.Props(NullLogger<SessionManagerActor>.Instance));
        var outbox = Channel.CreateUnbounded<CoordinatorMessage>();
        await manager.Ask<SessionOpened>(Open(Guest, outbox, _ => { }), TimeSpan.FromSeconds(5), Ct);
        var command = new CoordinatorMessage { Migrate = new MigrateCommand { CommandId = "c-1" } };

        manager.Tell(new DeliverToGuest("giantvm", "c-1", command));

        Assert.Equal("c-1", (await outbox.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct)).Migrate.CommandId);
    }

    [Fact]
    public async Task DeliverToGuest_WithoutAGuestSession_RepliesUndeliverable()
    {
        var manager = Sys.ActorOf(SessionManagerActor.Props(NullLogger<SessionManagerActor>.Instance));
        var host = Channel.CreateUnbounded<CoordinatorMessage>();
        await manager.Ask<SessionOpened>(Open(new AgentIdentity(AgentRole.Host, 1, "giantvm"), host, _ => { }), TimeSpan.FromSeconds(5), Ct);

        manager.Tell(new DeliverToGuest("giantvm", "c-1", new CoordinatorMessage()));

        var reply = await ExpectMsgAsync<CommandUndeliverable>(cancellationToken: Ct);
        Assert.Equal("c-1", reply.CommandId);
    }

    [Fact]
    public async Task Reports_AreForwardedToTheRebalancerOfTheirInstance()
    {
        var manager = Sys.ActorOf(SessionManagerActor.Props(NullLogger<SessionManagerActor>.Instance));
        var opened = await manager.Ask<SessionOpened>(Open(Guest, Channel.CreateUnbounded<CoordinatorMessage>(), _ => { }), TimeSpan.FromSeconds(5), Ct);

        Assert.True(opened.Forwarder.Forward("report", DateTimeOffset.UtcNow));

        var envelope = await ExpectMsgAsync<Akka.Cluster.Sharding.ShardingEnvelope>(cancellationToken: Ct);
        Assert.Equal(("giantvm", (object)"report"), (envelope.EntityId, envelope.Message));
        Assert.Equal(opened.Session, LastSender); // commands go back to the session that forwarded the guest's report
    }

    [Fact]
    public async Task Reports_InStreamOrder_AndTheLastOneIsTheSessionsLastReport()
    {
        var manager = Sys.ActorOf(SessionManagerActor.Props(NullLogger<SessionManagerActor>.Instance));
        var opened = await manager.Ask<SessionOpened>(Open(Guest, Channel.CreateUnbounded<CoordinatorMessage>(), _ => { }), TimeSpan.FromSeconds(5), Ct);
        var last = new DateTimeOffset(2026, 12, 3, 17, 0, 0, TimeSpan.Zero);

        for (var i = 0; i < 100; i++)
        {
            opened.Forwarder.Forward(i, last.AddSeconds(i - 99));
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i, (await ExpectMsgAsync<Akka.Cluster.Sharding.ShardingEnvelope>(cancellationToken: Ct)).Message);
        }

        var agents = await manager.Ask<AgentsList>(GetAgents.Instance, TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(last, Assert.Single(agents.Agents).LastReport);
    }

    [Fact]
    public async Task Reports_OfAReplacedSession_AreNotForwarded()
    {
        var manager = Sys.ActorOf(SessionManagerActor.Props(NullLogger<SessionManagerActor>.Instance));
        var older = await manager.Ask<SessionOpened>(Open(Guest, Channel.CreateUnbounded<CoordinatorMessage>(), _ => { }), TimeSpan.FromSeconds(5), Ct);
        Watch(older.Session);
        var newer = await manager.Ask<SessionOpened>(Open(Guest, Channel.CreateUnbounded<CoordinatorMessage>(), _ => { }), TimeSpan.FromSeconds(5), Ct);
        await ExpectTerminatedAsync(older.Session, cancellationToken: Ct);

        Assert.False(older.Forwarder.Forward("stale", DateTimeOffset.UtcNow));
        Assert.True(newer.Forwarder.Forward("fresh", DateTimeOffset.UtcNow));

        Assert.Equal("fresh", (await ExpectMsgAsync<Akka.Cluster.Sharding.ShardingEnvelope>(cancellationToken: Ct)).Message);
    }

    [Fact]
    public async Task DeliverToGuest_WhenTheOutboxIsFull_RepliesUndeliverableAndEndsTheStream()
    {
        var manager = Sys.ActorOf(SessionManagerActor.Props(NullLogger<SessionManagerActor>.Instance));
        var outbox = Channel.CreateBounded<CoordinatorMessage>(1);
        var ended = new TaskCompletionSource<string>();
        await manager.Ask<SessionOpened>(Open(Guest, outbox, r => ended.TrySetResult(r)), TimeSpan.FromSeconds(5), Ct);
        manager.Tell(new DeliverToGuest("giantvm", "c-1", new CoordinatorMessage { Migrate = new MigrateCommand { CommandId = "c-1" } }));

        manager.Tell(new DeliverToGuest("giantvm", "c-2", new CoordinatorMessage { Migrate = new MigrateCommand { CommandId = "c-2" } }));

        var reply = await ExpectMsgAsync<CommandUndeliverable>(cancellationToken: Ct);
        Assert.Equal("c-2", reply.CommandId);
        Assert.Contains("commands unsent", await ended.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct), StringComparison.Ordinal);
        Assert.Equal("c-1", (await outbox.Reader.ReadAsync(Ct)).Migrate.CommandId);
    }
}
