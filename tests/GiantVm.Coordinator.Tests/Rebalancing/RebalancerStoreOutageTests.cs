using Akka.Actor;
using Akka.Hosting;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Rebalancing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping.BookkeepingFixture;

namespace GiantVm.Coordinator.Tests.Rebalancing;

/// <summary>The rebalancer on a real PostgreSQL that goes away and comes back.</summary>
[Trait("Category", "postgres")]
public sealed class RebalancerStoreOutageTests
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StoreDown_VerbsAnswerUnavailableWithTheStoresReason_AndTakeNoEffect_ThenWorkWhenItIsBack()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        using var host = new HostBuilder()
            .ConfigureServices(s => s.AddAkka("outage-test", b => b.WithRebalancerStore(StoreLocation.Parse(postgres.StoreUri))))
            .Build();
        await host.StartAsync(Ct);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var rebalancer = system.ActorOf(RebalancerActor.Props(
            new RebalancerSettings("giantvm", "member-a", "demo"), InForce(), snapshotEvery: 100, new FakeTimeProvider(T0), NullLogger<RebalancerActor>.Instance));
        await UntilAsync(async () => (await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, AskTimeout, Ct)).Recording);
        Assert.Null((await rebalancer.Ask<DrainOutcome>(new DrainNode(1, Evacuate: false), AskTimeout, Ct)).Unavailable);

        await postgres.StopServerAsync();
        var refused = await rebalancer.Ask<PauseState>(new PauseRebalancing("window"), AskTimeout, Ct);
        var view = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, AskTimeout, Ct);

        Assert.False(refused.Paused);
        Assert.StartsWith("pause not recorded: store: ", refused.Unavailable, StringComparison.Ordinal);
        Assert.DoesNotContain("Timeout", refused.Unavailable, StringComparison.OrdinalIgnoreCase); // the store's own reason
        Assert.False(view.Paused);
        Assert.False(view.Recording);

        await postgres.StartServerAsync(Ct);
        PauseState? accepted = null;
        await UntilAsync(async () =>
        {
            accepted = await rebalancer.Ask<PauseState>(new PauseRebalancing("window"), AskTimeout, Ct);
            return accepted.Unavailable is null;
        });
        var after = await rebalancer.Ask<RebalancerView>(GetRebalancerView.Instance, AskTimeout, Ct);

        Assert.True(accepted!.Paused);
        Assert.Equal([1], after.Drained);
        Assert.True(after.Paused);
        await host.StopAsync(CancellationToken.None);
    }

    /// <summary>Until the condition holds (an ask that times out counts as not yet: verbs wait while the rebalancer recovers).</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!await Holds())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 120 s");
            await Task.Delay(200, Ct);
        }

        async Task<bool> Holds()
        {
            try
            {
                return await condition();
            }
            catch (AskTimeoutException)
            {
                return false;
            }
        }
    }
}
