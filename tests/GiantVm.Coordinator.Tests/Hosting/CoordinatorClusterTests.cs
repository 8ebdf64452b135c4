using System.Diagnostics;
using System.Globalization;
using GiantVm.Contracts.V1;
using GiantVm.Testing;
using GiantVm.Scheduling.Journal;
using JournalRecord = GiantVm.Scheduling.Journal.JournalRecord;

namespace GiantVm.Coordinator.Tests.Hosting;

/// <summary>Three real coordinator processes on 127.0.0.1 forming one cluster; members are SIGKILLed.</summary>
[Trait("Category", "e2e")]
[Collection(RealProcesses.Name)]
public sealed class CoordinatorClusterTests : IDisposable
{
    /// <summary>One move per round, every second, while node 0 stays hot; moved tasks never move again.</summary>
    internal const string Policy = """
        name: cluster-test
        mode: balanced
        interval: 1s
        command_timeout: 5s
        signal:
          ema_alpha: 1.0
          hot_after: 1
          cool_after: 1
          stale_after: 30s
        migrate:
          max_per_round: 1
          max_per_node_per_round: 1
          max_per_minute: 60
          cooldown: 1h
          return_block: 1h
          min_cpu_cores: 0
        """;

    /// <summary>The instance the guest agent serves; a second one, <see cref="Other"/>, has no agent after its first hello.</summary>
    private const string Vm = "giantvm";

    /// <summary>A second instance in the same shard as <see cref="Vm"/>: its rebalancer runs on the same member, so the kill takes both.</summary>
    private static readonly string Other = SameShardAs(Vm);

    private static string SameShardAs(string vm)
    {
        var shards = new GiantVm.Coordinator.Rebalancing.RebalancerMessageExtractor();
        string ShardOf(string id) => shards.ShardId(id, null) ?? "";
        return Enumerable.Range(0, 10_000).Select(i => $"other-{i}").First(name => ShardOf(name) == ShardOf(vm));
    }

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "giantvm-cluster-" + Guid.NewGuid().ToString("N"));

    public CoordinatorClusterTests() => Directory.CreateDirectory(_folder);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a log file still being closed: the temp folder is left behind
        }
    }

    [Fact]
    public async Task KillingTheRebalancersMember_AnotherTakesOverWithin30s_AndNoAcknowledgedRecordIsLostOrDuplicated()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        using var cluster = new CoordinatorCluster(_folder, Policy, postgres.StoreUri);
        await cluster.StartAllAsync();
        var first = await RebalancerAsync(cluster, 0, TimeSpan.FromSeconds(60));
        var others = Enumerable.Range(0, cluster.Size).Where(i => i != first).ToList();
        // A second instance on the same cluster (sharded: its rebalancer may run on any member).
        var otherFirst = await RebalancerAsync(cluster, 0, TimeSpan.FromSeconds(60), vm: Other);
        var otherBefore = await cluster.Admin(otherFirst).PauseAsync(new PauseRequest { Vm = Other, Reason = "second instance" }, cancellationToken: Ct);
        Assert.True(otherBefore.Paused);

        // State changes through members that do not run the rebalancer: in force on all.
        var drained = await cluster.Admin(others[0]).DrainAsync(new DrainRequest { Vm = Vm, NodeId = 2 }, cancellationToken: Ct);
        Assert.Contains(2u, drained.DrainedNodes);
        var reloaded = await cluster.Admin(others[1]).ReloadPolicyAsync(
            new ReloadPolicyRequest { Vm = Vm, Content = Policy.Replace("name: cluster-test", "name: reloaded", StringComparison.Ordinal), SourceName = "reloaded.yaml" },
            cancellationToken: Ct);
        Assert.True(reloaded.Accepted, string.Join("; ", reloaded.Errors));
        for (var i = 0; i < cluster.Size; i++)
        {
            var policy = await cluster.Admin(i).GetPolicyAsync(new GetPolicyRequest { Vm = Vm }, cancellationToken: Ct);
            Assert.Equal(("reloaded", 2u), (policy.Info.Name, policy.Info.Version));
        }

        // The guest agent holds its stream on the rebalancer's member, so it must reconnect.
        await using var guest = FakeGuestAgent.HotNodeZero([cluster.GrpcUrl(first), .. others.Select(cluster.GrpcUrl)], tasks: 10);
        await WaitAsync(() => guest.Commands.Count >= 2, TimeSpan.FromSeconds(60), "two commands before the kill", cluster);
        var acknowledged = guest.Commands.Select(c => c.Command.MigrationId).ToList(); // sent only after the store persisted them
        var acknowledgedState = cluster.State().Where(s => s.Vm == Vm).ToList().Select(s => s.Seq).ToList();

        var clock = Stopwatch.StartNew();
        var logLengths = Enumerable.Range(0, cluster.Size).Select(i => cluster.Member(i).Output.Length).ToList();
        cluster.Kill(first);
        Assert.Equal(first, otherFirst); // one shard, one member
        {
            // Remembered entities: the other instance's rebalancer starts again on a survivor
            // without any message for it (no agent, no admin call) before it is asked below.
            await WaitAsync(() => others.Any(i => cluster.Member(i).Output[logLengths[i]..].Contains($"Rebalancer for {Other} started on member", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(45), $"instance {Other}'s rebalancer to start again by itself", cluster);
        }

        var next = await RebalancerAsync(cluster, others[0], TimeSpan.FromSeconds(60), not: first);
        var handover = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"handover after SIGKILL: {handover.TotalSeconds:0.0} s (to {CoordinatorCluster.MemberName(next)})");
        Assert.True(handover < TimeSpan.FromSeconds(30), $"the rebalancer ran again only after {handover.TotalSeconds:0.0} s");
        Assert.Contains(next, others);

        // Decisions continue, from the new member, through the reconnected agent.
        await WaitAsync(() => cluster.Journal().Any(r => r.Kind == JournalKinds.Decision && r.Member == CoordinatorCluster.MemberName(next)),
            TimeSpan.FromSeconds(60), "a decision by the new rebalancer", cluster);
        Assert.True(guest.Connects >= 2, "the guest agent did not reconnect");
        Assert.NotEqual(CoordinatorCluster.MemberName(first), guest.ConnectedMember);

        {
            var journal = cluster.Journal();
            AssertEachOnce(journal.Select(r => r.Id), "the migration log");
            foreach (var migration in acknowledged)
            {
                Assert.Single(journal, r => r.Kind == JournalKinds.Decision && r.MigrationId == migration);
            }

            var state = cluster.State().Where(s => s.Vm == Vm).ToList();
            Assert.All(acknowledgedState, seq => Assert.Single(state, s => s.Seq == seq));
            AssertEachOnce(journal.Select(r => r.Seq ?? 0).Concat(state.Select(s => s.Seq)).Select(n => n.ToString(CultureInfo.InvariantCulture)), "log positions");
            AssertOneIssuerAtATime(journal);
            Assert.DoesNotContain(journal, r => r.Kind == JournalKinds.Decision && r.To == 2); // drained before the kill
            Assert.Equal(journal.Count(r => r.Kind == JournalKinds.Decision), journal.Where(r => r.Kind == JournalKinds.Decision).Select(r => r.Pid).Distinct().Count()); // no task moved twice
            var executed = guest.Commands.Select(c => c.Command.CommandId).ToList();
            AssertEachOnce(executed, "command ids the guest agent received");
        }

        // The other instance: its rebalancer runs (on a survivor), still paused, its own state.
        var otherAfter = await RebalancerAsync(cluster, others[0], TimeSpan.FromSeconds(30), not: first, vm: Other);
        var otherStatus = await cluster.Admin(otherAfter).GetStatusAsync(new StatusRequest { Vm = Other }, cancellationToken: Ct);
        Assert.Equal((Other, true, 2u, "cluster-test"), (otherStatus.Vm, otherStatus.Paused, otherStatus.Instances, otherStatus.Policy.Name));

        // Drain and reload survive the failover.
        var nodes = await cluster.Admin(next).ListNodesAsync(new NodesRequest { Vm = Vm }, cancellationToken: Ct);
        Assert.True(nodes.Nodes.Single(n => n.NodeId == 2).Drained);
        Assert.Equal("reloaded", (await cluster.Admin(others.First(o => o != next)).GetPolicyAsync(new GetPolicyRequest { Vm = Vm }, cancellationToken: Ct)).Info.Name);

        // The killed member comes back and lists the same log (the store's, not a copy of its own).
        cluster.Start(first);
        await cluster.Member(first).WaitHealthyAsync(90);
        var migrations = await cluster.Admin(first).ListMigrationsAsync(new MigrationsQuery { Vm = Vm }, cancellationToken: Ct);
        Assert.All(acknowledged, m => Assert.Contains(migrations.Records, r => r.MigrationId == m));
    }

    /// <summary>Across the log (in sequence order), a member that stopped issuing never issues again: one issuer at a time.</summary>
    private static void AssertOneIssuerAtATime(IReadOnlyList<JournalRecord> journal)
    {
        var runs = new List<string>();
        foreach (var record in journal.OrderBy(r => r.Seq))
        {
            if (runs.Count == 0 || runs[^1] != record.Member)
            {
                runs.Add(record.Member ?? "");
            }
        }

        Assert.Equal(runs.Distinct().Count(), runs.Count);
    }

    internal static void AssertEachOnce(IEnumerable<string> ids, string what)
    {
        var duplicates = ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{what} holds {string.Join(", ", duplicates)} more than once");
    }

    /// <summary>Index of the member running the rebalancer once it has recovered (status asked at <paramref name="via"/>).</summary>
    internal static async Task<int> RebalancerAsync(CoordinatorCluster cluster, int via, TimeSpan timeout, int? not = null, string vm = Vm)
    {
        var found = -1;
        await AgentStream.AnnounceAsync(cluster.Agents(via), vm); // the instance exists once an agent of it said hello
        await WaitAsync(async () =>
        {
            var status = await cluster.Admin(via).GetStatusAsync(new StatusRequest { Vm = vm }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: Ct);
            found = Enumerable.Range(0, cluster.Size).FirstOrDefault(i => CoordinatorCluster.MemberName(i) == status.RebalancerMember, -1);
            return status.Recording && found >= 0 && found != not;
        }, timeout, "a recovered rebalancer", cluster);
        return found;
    }

    internal static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, CoordinatorCluster cluster) =>
        WaitAsync(() => Task.FromResult(condition()), timeout, what, cluster);

    internal static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CoordinatorCluster cluster)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException)
            {
                // a member not answering yet (starting, or taking over)
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeout.TotalSeconds:0} s waiting for {what}\n{cluster.Logs()}");
            await Task.Delay(100, Ct);
        }
    }
}
