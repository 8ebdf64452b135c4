using Akka.Actor;
using Akka.Hosting;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Rebalancing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping.BookkeepingFixture;

namespace GiantVm.Coordinator.Tests.Rebalancing;

/// <summary>
/// The rebalancer recording through the Akka.Persistence store (a real SQLite file) instead of
/// the replicated log: what it recorded is what a new rebalancer starts from.
/// </summary>
public sealed class RebalancerStoreTests : Akka.Hosting.TestKit.TestKit
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(15);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("giantvm-rebalancer-store-");
    private readonly FakeTimeProvider _time = new(T0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StoreLocation Store => StoreLocation.Parse("sqlite:" + Path.Combine(_folder.FullName, "giantvm.db"));

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder.WithRebalancerStore(Store);

    /// <summary>The test kit disposes asynchronously (a Dispose of ours would not be called): remove the database after the system stops.</summary>
    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private IActorRef Start() => Sys.ActorOf(RebalancerActor.Props(
        new RebalancerSettings("giantvm", "member-a", "demo"), InForce(), snapshotEvery: 3, _time, NullLogger<RebalancerActor>.Instance));

    private async Task<RebalancerView> RecoveredViewAsync(IActorRef rebalancer)
    {
        RebalancerView? view = null;
        await AwaitAssertAsync(async () =>
        {
            view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, AskTimeout, Ct);
            Assert.True(view.Recording, view.RecordingProblem);
        }, TimeSpan.FromSeconds(20), cancellationToken: Ct);
        return view!;
    }

    private async Task<long> JournalRowsAsync()
    {
        await using var connection = new SqliteConnection(Store.ConnectionString);
        await connection.OpenAsync(Ct);
        var command = connection.CreateCommand();
        command.CommandText = "select count(*) from journal where persistence_id = 'rebalancer-giantvm'";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    [Fact]
    public async Task Restart_StartsFromWhatWasRecorded_DrainedPausedPolicyAndThePendingCommand()
    {
        var sessions = CreateTestProbe();
        var first = Start();
        await RecoveredViewAsync(first);
        first.Tell(new GuestReportReceived(HotNodeZero(T0), T0), sessions.Ref);

        var decided = await first.Ask<RebalanceOutcome>(new RebalanceNow(DryRun: false), AskTimeout, Ct);
        var command = (await sessions.ExpectMsgAsync<DeliverToGuest>(cancellationToken: Ct)).Message.Migrate;
        var drained = await first.Ask<DrainOutcome>(new DrainNode(0, Evacuate: false), AskTimeout, Ct);
        var paused = await first.Ask<PauseState>(new PauseRebalancing("window"), AskTimeout, Ct);
        var reloaded = await first.Ask<PolicyReloadOutcome>(new ReloadPolicy(PolicyText(cooldown: "45s"), "p.yaml", "test"), AskTimeout, Ct);
        Assert.Equal((1, null, true, true), (decided.Decisions.Count, drained.Unavailable, paused.Paused, reloaded.Accepted));
        Assert.Equal(4, await JournalRowsAsync()); // each answered only once persisted
        await StopAsync(first);

        var second = Start();
        var view = await RecoveredViewAsync(second);

        Assert.Equal([0], view.Drained);
        Assert.Equal((true, "window"), (view.Paused, view.PauseReason));
        Assert.Equal((2, "p.yaml"), (view.Policy.Version, view.Policy.Source));
        Assert.Equal((1, 4L), (view.PendingCommands, view.LogPosition));

        second.Tell(new MigrationResultReceived(
            AgentMessageConverter.ToData(new MigrationResult
            {
                CommandId = command.CommandId, MigrationId = command.MigrationId, Pid = command.Pid, Status = MigrationStatus.Done, PagesMoved = 256, DurationMs = 12,
            }),
            T0));
        await AwaitAssertAsync(async () =>
            Assert.Equal(0, (await second.Ask<RebalancerView>(GetRebalancerView.Instance, AskTimeout, Ct)).PendingCommands),
            TimeSpan.FromSeconds(10), cancellationToken: Ct);
        Assert.Equal(5, await JournalRowsAsync());
    }

    private async Task StopAsync(IActorRef actor)
    {
        var probe = CreateTestProbe();
        probe.Watch(actor);
        Sys.Stop(actor);
        await probe.ExpectTerminatedAsync(actor, cancellationToken: Ct);
    }
}
