using System.Diagnostics;
using GiantVm.Contracts.V1;
using GiantVm.Testing;
using GiantVm.Scheduling.Journal;
using Npgsql;
using static GiantVm.Coordinator.Tests.Hosting.CoordinatorClusterTests;

namespace GiantVm.Coordinator.Tests.Hosting;

/// <summary>
/// Issue 19's faults with real coordinator processes on 127.0.0.1 and a real throwaway
/// PostgreSQL: the rebalancer's member frozen (SIGSTOP) and resumed, and the database restarted
/// while decisions flow.
/// </summary>
[Trait("Category", "e2e")]
[Collection(RealProcesses.Name)]
public sealed class CoordinatorFaultTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "giantvm-faults-" + Guid.NewGuid().ToString("N"));

    public CoordinatorFaultTests() => Directory.CreateDirectory(_folder);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

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
    public async Task FreezingTheRebalancersMemberFor30s_ASurvivorTakesOver_TheResumedMemberPersistsNothingAndExits()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        using var cluster = new CoordinatorCluster(_folder, Policy, postgres.StoreUri);
        await cluster.StartAllAsync();
        var frozen = await RebalancerAsync(cluster, 0, TimeSpan.FromSeconds(60));
        var others = Enumerable.Range(0, cluster.Size).Where(i => i != frozen).ToList();

        // The guest streams to the rebalancer's member. Frozen, that member keeps its sockets open:
        // the stream does not fail, the guest's HTTP/2 keepalive (5 s + 5 s, as the real agent's)
        // gives it up and the guest reconnects to a survivor, whose rebalancer then decides once
        // it has taken over; the fence keeps the resumed member's persists out.
        await using var guest = FakeGuestAgent.HotNodeZero([cluster.GrpcUrl(frozen), .. others.Select(cluster.GrpcUrl)], tasks: 60);
        await WaitAsync(() => guest.Commands.Count >= 2, TimeSpan.FromSeconds(60), "two commands before the freeze", cluster);
        var acknowledged = guest.Commands.Select(c => c.Command.MigrationId).ToList();
        await WaitAsync(() => acknowledged.All(m => cluster.Journal().Any(r => r.MigrationId == m)), TimeSpan.FromSeconds(10), "the decisions in the migration log", cluster);
        var listedBefore = (await cluster.Admin(others[0]).ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct)).Records.Select(r => r.Id).ToList();

        var frozenAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        cluster.Stop(frozen);
        int next;
        try
        {
            var frozenMember = CoordinatorCluster.MemberName(frozen);
            await WaitAsync(() => guest.ConnectedMember is { Length: > 0 } m && m != frozenMember, TimeSpan.FromSeconds(15),
                "the guest agent on another member within 15 s of the freeze (keepalive)", cluster);
            Output?.WriteLine($"guest reconnected to {guest.ConnectedMember} {clock.Elapsed.TotalSeconds:0.0} s after SIGSTOP");
            next = await RebalancerAsync(cluster, others[0], TimeSpan.FromSeconds(30), not: frozen);
            Output?.WriteLine($"takeover after SIGSTOP: {clock.Elapsed.TotalSeconds:0.0} s (by {CoordinatorCluster.MemberName(next)})");
            var rest = TimeSpan.FromSeconds(30) - clock.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, Ct); // the fault is "frozen for 30 s", not a wait for a condition
            }
        }
        finally
        {
            cluster.Continue(frozen);
        }

        // The resumed member is downed by the split brain resolver and exits (MemberExit: code 1).
        await WaitAsync(() => !cluster.IsRunning(frozen), TimeSpan.FromSeconds(60), "the resumed member to exit", cluster);
        Output?.WriteLine($"resumed member exited {clock.Elapsed.TotalSeconds - 30:0.0} s after SIGCONT");
        Assert.Equal(1, cluster.Member(frozen).Process.ExitCode);
        Assert.Contains("was downed", cluster.Member(frozen).Output, StringComparison.Ordinal);

        // Decisions go on, from the survivor, through the guest's new stream.
        await WaitAsync(() => cluster.Journal().Any(r => r.Kind == JournalKinds.Decision && r.Member == CoordinatorCluster.MemberName(next) && r.Time > frozenAt),
            TimeSpan.FromSeconds(30), "a decision by the new rebalancer", cluster);

        // What the resumed member persisted for the instance after the takeover (it could not
        // persist anything while frozen: every event of its name dated after the freeze).
        var journal = cluster.Journal();
        var state = cluster.State();
        var frozenName = CoordinatorCluster.MemberName(frozen);
        var late = journal.Where(r => r.Member == frozenName && r.Time > frozenAt).Select(r => $"{r.Seq} {r.Kind} {r.MigrationId}")
            .Concat(state.Where(s => s.Member == frozenName && s.Time > frozenAt).Select(s => $"{s.Seq} {s.Kind}"))
            .ToList();
        var refused = cluster.Member(frozen).Output.Split('\n').Count(l => l.Contains("did not persist", StringComparison.Ordinal));
        Output?.WriteLine($"events persisted by the resumed member after the takeover: {late.Count} [{string.Join("; ", late)}]; its persists refused: {refused}");
        Assert.Empty(late);

        // The journal: one event per sequence number by its key, and no gap either.
        var sequence = await JournalSequenceAsync(postgres);
        Assert.Equal(Enumerable.Range(1, sequence.Count).Select(n => (long)n), sequence);
        AssertEachOnce(journal.Select(r => r.Id), "the migration log");
        foreach (var migration in acknowledged)
        {
            Assert.Single(journal, r => r.Kind == JournalKinds.Decision && r.MigrationId == migration);
        }

        AssertEachOnce(guest.Commands.Select(c => c.Command.CommandId), "command ids the guest agent received");

        // A fresh recovery of the whole log: the survivor leaves, the last member recovers and records.
        var last = others.Single(o => o != next);
        cluster.Terminate(next);
        var recovered = await RebalancerAsync(cluster, last, TimeSpan.FromSeconds(30), not: next);
        Assert.Equal(last, recovered);
        var listedAfter = (await cluster.Admin(last).ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct)).Records.Select(r => r.Id).ToHashSet();
        Assert.All(listedBefore, id => Assert.Contains(id, listedAfter));
    }

    [Fact]
    public async Task RestartingPostgres_WhileDecisionsFlow_KeepsTheAgentStream_RoundsWaitVisibly_ThenResumeWithNothingLost()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        using var cluster = new CoordinatorCluster(_folder, Policy, postgres.StoreUri, size: 1);
        await cluster.StartAllAsync();
        await RebalancerAsync(cluster, 0, TimeSpan.FromSeconds(60));
        await using var guest = FakeGuestAgent.HotNodeZero([cluster.GrpcUrl(0)], tasks: 60);
        await WaitAsync(() => guest.Commands.Count >= 2, TimeSpan.FromSeconds(60), "two commands before the restart", cluster);
        var connects = guest.Connects;
        var listedBefore = (await cluster.Admin(0).ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct)).Records.Select(r => r.Id).ToList();

        // pg_ctl restart -m fast is a fast stop and a start; the test holds the server down in
        // between until a round has met the outage (a bare restart takes about 1 s: a round of
        // 1 s may or may not fall into it) and the wait is visible.
        var clock = Stopwatch.StartNew();
        await postgres.StopServerAsync();
        await WaitAsync(() => cluster.Member(0).Output.Contains("The store did not persist the rebalancer's", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the log line of a round that met the outage", cluster);
        await WaitAsync(async () =>
        {
            var status = await cluster.Admin(0).GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: Ct);
            return status is { Recording: false, Store.Reachable: false } && await RecordingMetricAsync(cluster) == "0";
        }, TimeSpan.FromSeconds(30), "status (store unreachable, not recording) and giantvm_rebalancer_recording 0", cluster);
        var commandsWhileDown = guest.Commands.Count;
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct); // more than a round: none sends a command meanwhile
        Assert.Equal(commandsWhileDown, guest.Commands.Count);
        await postgres.StartServerAsync(Ct);
        var restartedAt = DateTimeOffset.UtcNow;
        Output?.WriteLine($"store down for {clock.Elapsed.TotalSeconds:0.0} s (pg_ctl stop -m fast, then start)");

        // Rounds resume: a decision recorded after the restart reaches the guest on the same stream.
        await WaitAsync(() => cluster.Journal().Any(r => r.Kind == JournalKinds.Decision && r.Time > restartedAt) && guest.Commands.Count > commandsWhileDown,
            TimeSpan.FromSeconds(30), "a decision after the restart", cluster);
        Output?.WriteLine($"decisions resumed {(DateTimeOffset.UtcNow - restartedAt).TotalSeconds:0.0} s after the start");
        Assert.Equal("1", await RecordingMetricAsync(cluster));
        Assert.Contains("Rebalancer for giantvm started on member",
            cluster.Member(0).Output[cluster.Member(0).Output.IndexOf("The store did not persist the rebalancer's", StringComparison.Ordinal)..], StringComparison.Ordinal);

        Assert.Equal(connects, guest.Connects); // the agent's stream stayed up
        var listedAfter = (await cluster.Admin(0).ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct)).Records.Select(r => r.Id).ToHashSet();
        Assert.All(listedBefore, id => Assert.Contains(id, listedAfter));
        AssertEachOnce(guest.Commands.Select(c => c.Command.CommandId), "command ids the guest agent received");
        var sequence = await JournalSequenceAsync(postgres);
        Assert.Equal(Enumerable.Range(1, sequence.Count).Select(n => (long)n), sequence);
    }

    /// <summary>The value of instance giantvm's <c>giantvm_rebalancer_recording</c> on the member's /metrics.</summary>
    private static async Task<string?> RecordingMetricAsync(CoordinatorCluster cluster)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{cluster.Member(0).MetricsPort}/metrics", Ct);
        return metrics.Split('\n').FirstOrDefault(l => l.StartsWith("giantvm_rebalancer_recording{vm=\"giantvm\"} ", StringComparison.Ordinal))?.Split(' ')[1];
    }

    /// <summary>The rebalancer's sequence numbers as the journal table holds them, in order.</summary>
    private static async Task<List<long>> JournalSequenceAsync(TestPostgres postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("select sequence_number from journal where persistence_id = 'rebalancer-giantvm' order by sequence_number", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var sequence = new List<long>();
        while (await reader.ReadAsync(Ct))
        {
            sequence.Add(reader.GetInt64(0));
        }

        return sequence;
    }
}
