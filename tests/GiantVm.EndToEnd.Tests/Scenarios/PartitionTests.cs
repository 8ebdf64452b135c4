using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using GiantVm.EndToEnd.Tests.Infrastructure;

namespace GiantVm.EndToEnd.Tests.Scenarios;

/// <summary>
/// Issue 18 item 6: network partitions between the three members of a coordinator cluster, as
/// real processes in network namespaces (<see cref="NetworkLab"/>: nft rules drop member-to-member
/// packets; agents and the test keep reaching every member). Black box: what the test knows comes
/// from giantvmctl (status, migrations -o json), the members' /metrics (giantvm_decision_rounds_total
/// says which member runs rounds), their exit codes and the emulator's placement; nothing
/// about how the coordinator keeps its state.
/// </summary>
[Trait("Category", "e2e")]
public sealed class PartitionTests
{
    /// <summary>The coordinator's default split brain resolver stable-after (Coordinator:Akka:StableAfterSeconds).</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(5);

    /// <summary>How long after a cut the side that lost may go on deciding: stable-after + 10 s.</summary>
    private static readonly TimeSpan StopDeciding = StableAfter + TimeSpan.FromSeconds(10);

    /// <summary>
    /// Four nodes and four BE tasks of 0.8 cores, LC weighted 6:1 against the guest's vCPUs: on a
    /// node whose LC runs at 95 % the guest's share is 4 x 1/7 = 0.57 cores, so even one task there
    /// sees steal of (0.8 - 0.57) / 0.8 = 0.29, above the policy's steal_high (0.15).
    /// </summary>
    private static readonly string Scenario = TestScenarios.FourNodes(lcWeight: 6);

    [Fact]
    public async Task IsolatedMember_StopsDecidingWithinStableAfterPlus10s_OneRebalancerRunsOnTheMajority_ItsAgentsReconnect_AndAfterHealingNoRecordIsLostOrDuplicated()
    {
        using var lab = NetworkLab.Create(members: 3);
        await using var cluster = await EmulatedCluster.StartAsync(Scenario, TestScenarios.QuickPolicy(), nodes: 4, tasks: 4, coordinators: 3, lab: lab);

        // The minority is the member that runs the rebalancer (sharding places it on any member),
        // and every agent is on it too: the agents connect to the first address they are given, so
        // when they are elsewhere they are restarted with that member's first (before any load
        // changes, so that no decision is in flight).
        var first = await Eventually.WaitAsync(async () => await StatusAsync(cluster) is { } s && (string?)s["rebalancerMember"] is { } m ? s : null,
            TimeSpan.FromSeconds(60), "the rebalancer's member in giantvmctl status", cluster.Logs);
        var minority = MemberIndex((string)first["rebalancerMember"]!);
        if (AgentMembers(first).Any(m => m != minority))
        {
            await cluster.RestartAgentsAsync(first: minority);
        }

        using var spikes = new Spiker(cluster);
        await using var rounds = new RoundWatch(cluster);
        await using var supervisor = new Supervisor(cluster);
        string Explain() => $"{rounds.Describe()}\n{supervisor.Describe(null)}\nrules:\n{Try(lab.Rules)}\n{cluster.Logs()}";

        // Decisions flow before the cut.
        List<JsonObject> beforeCut = [];
        await Eventually.WaitAsync(async () => (beforeCut = await MigrationsAsync(cluster)).Count(r => r.IsResult()) >= 4, TimeSpan.FromSeconds(40),
            "decisions and results before the cut", Explain);
        var status = await StatusAsync(cluster);
        Assert.Equal(minority, MemberIndex((string)status["rebalancerMember"]!));
        Assert.All(AgentMembers(status), m => Assert.Equal(minority, m));
        var majority = Enumerable.Range(0, 3).Where(i => i != minority).ToList();
        Output($"rebalancer and every agent on member-{minority}; {beforeCut.Count} records before the cut");

        var cut = Stopwatch.StartNew();
        var cutAt = DateTimeOffset.UtcNow;
        lab.Isolate(minority);

        // One rebalancer runs again on the majority side, and only one.
        var next = await Eventually.WaitAsync(async () =>
        {
            var s = await StatusAsync(cluster, majority[0]);
            return s["recording"]!.GetValue<bool>() && (string?)s["rebalancerMember"] is { } m && majority.Contains(MemberIndex(m)) ? (object)MemberIndex(m) : null;
        }, TimeSpan.FromSeconds(60), "a rebalancer with a majority on the majority side", Explain);
        var takeover = cut.Elapsed;
        var newRebalancer = (int)next;
        Assert.Equal("member-" + newRebalancer, (string?)(await StatusAsync(cluster, majority[1]))["rebalancerMember"]);
        await rounds.WaitRunningAsync(newRebalancer, Explain);
        Assert.Equal(new[] { newRebalancer }, await rounds.RunningAsync(majority, TimeSpan.FromSeconds(4)));

        // The minority stopped deciding within stable-after + 10 s of the cut: its rounds counter
        // stands still (or it exited), and it journaled nothing after that.
        await Eventually.WaitAsync(() => cut.Elapsed > StopDeciding + TimeSpan.FromSeconds(3), StopDeciding + TimeSpan.FromSeconds(10), "the end of the allowed window");
        var lastMinorityRound = rounds.LastIncrease(minority);
        Output($"takeover by member-{newRebalancer} {takeover.TotalSeconds:0.0} s after the cut; member-{minority}'s last round {(lastMinorityRound - cutAt)?.TotalSeconds:0.0} s after the cut; {supervisor.Describe(cutAt)}");
        Output($"two members running rounds at once at some point: {(rounds.SawTwoAtOnce(out var overlap) ? overlap.ToString("HH:mm:ss.f", CultureInfo.InvariantCulture) : "never")}");
        Assert.True(lastMinorityRound is null || lastMinorityRound <= cutAt + StopDeciding,
            $"member-{minority} still ran a round {(lastMinorityRound - cutAt)?.TotalSeconds:0.0} s after the cut; {Explain()}");
        Assert.Empty(await rounds.RunningAsync([minority], TimeSpan.FromSeconds(3)));

        // The agents that were on the minority reconnect to the majority, and decisions flow there.
        await Eventually.WaitAsync(async () =>
        {
            var s = await StatusAsync(cluster, newRebalancer);
            var agents = s["agents"]!.AsArray();
            return agents.Count == cluster.Nodes + 1 && agents.All(a => majority.Contains(MemberIndex((string)a!["member"]!)));
        }, TimeSpan.FromSeconds(60), "every agent connected to a majority member", Explain);
        await Eventually.WaitAsync(async () => (await MigrationsAsync(cluster, newRebalancer)).Any(r => r.IsResult() && (string?)r["member"] == "member-" + newRebalancer && r.Time() > cutAt),
            TimeSpan.FromSeconds(60), $"a migration decided and completed by member-{newRebalancer} after the cut", Explain);

        // Heal: the member the cluster downed exits 1 and is started again (the supervisor).
        var healedAt = DateTimeOffset.UtcNow;
        lab.Heal();
        await AllUpAsync(cluster, Explain);
        Output($"after healing: {supervisor.Describe(cutAt)}; all Up {(DateTimeOffset.UtcNow - healedAt).TotalSeconds:0.0} s after healing");
        Assert.All(supervisor.ExitCodes, code => Assert.Equal(1, code));
        await NoRecordLostOrDuplicatedAsync(cluster, beforeCut, Explain);
    }

    [Fact]
    public async Task OneWayPartition_NeverTwoRebalancersAtOnce_DecisionsResume_AndAfterHealingNoRecordIsLostOrDuplicated()
    {
        using var lab = NetworkLab.Create(members: 3);
        await using var cluster = await EmulatedCluster.StartAsync(Scenario, TestScenarios.QuickPolicy(), nodes: 4, tasks: 4, coordinators: 3, lab: lab);
        using var spikes = new Spiker(cluster);
        await using var rounds = new RoundWatch(cluster);
        await using var supervisor = new Supervisor(cluster);
        string Explain() => $"{rounds.Describe()}\n{supervisor.Describe(null)}\nrules:\n{Try(lab.Rules)}\n{cluster.Logs()}";

        List<JsonObject> beforeCut = [];
        await Eventually.WaitAsync(async () => (beforeCut = await MigrationsAsync(cluster)).Count(r => r.IsResult()) >= 4, TimeSpan.FromSeconds(40),
            "decisions and results before the cut", Explain);
        var rebalancer = MemberIndex((string)(await StatusAsync(cluster))["rebalancerMember"]!);
        var other = (rebalancer + 1) % 3;

        // The rebalancer's packets to one other member are dropped; that member's packets to it still arrive.
        var cutAt = DateTimeOffset.UtcNow;
        lab.Drop(rebalancer, other);
        Output($"dropping packets member-{rebalancer} -> member-{other} only");

        // The resolver downs one or both ends of the broken link (they exit 1 and the supervisor starts
        // them again, as systemd would); whatever it decides, at most one member runs rounds at a time.
        await Eventually.WaitAsync(() => DateTimeOffset.UtcNow > cutAt + StopDeciding + TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(40), "the end of the allowed window");
        var running = await rounds.RunningAsync([0, 1, 2], TimeSpan.FromSeconds(4));
        Output($"during the one-way cut: members running rounds {string.Join(",", running.Select(i => "member-" + i))}; {supervisor.Describe(cutAt)}");
        Assert.True(running.Count <= 1, $"two members run rounds at once: {string.Join(",", running)}; {Explain()}");

        var healedAt = DateTimeOffset.UtcNow;
        lab.Heal();
        await AllUpAsync(cluster, Explain);
        Output($"after healing: all Up {(DateTimeOffset.UtcNow - healedAt).TotalSeconds:0.0} s after healing; {supervisor.Describe(cutAt)}");
        await Eventually.WaitAsync(async () => (await MigrationsAsync(cluster)).Any(r => r.IsResult() && r.Time() > healedAt),
            TimeSpan.FromSeconds(60), "a migration completed after healing", Explain);
        Assert.False(rounds.SawTwoAtOnce(out var when), $"two members ran rounds at once around {when:HH:mm:ss.f}; {Explain()}");
        Assert.All(supervisor.ExitCodes, code => Assert.Equal(1, code));
        await NoRecordLostOrDuplicatedAsync(cluster, beforeCut, Explain);
    }

    /// <summary>Every member Up, and every agent connected, after healing.</summary>
    private static async Task AllUpAsync(EmulatedCluster cluster, Func<string> explain)
    {
        await Eventually.WaitAsync(async () =>
        {
            var s = await StatusAsync(cluster);
            return s["members"]!.AsArray().Count(m => (string?)m!["status"] == "Up") == 3 && s["recording"]!.GetValue<bool>()
                && s["agents"]!.AsArray().Count == cluster.Nodes + 1;
        }, TimeSpan.FromSeconds(90), "three members Up, a rebalancer and every agent after healing", explain);
    }

    /// <summary>
    /// The journal after healing (asked of every member): each record of before the cut is there once,
    /// no record id twice, and no migration with two results of the same status (a late agent
    /// result after a timeout is a second result by design; the same outcome twice is not).
    /// </summary>
    private static async Task NoRecordLostOrDuplicatedAsync(EmulatedCluster cluster, List<JsonObject> beforeCut, Func<string> explain)
    {
        for (var i = 0; i < 3; i++)
        {
            var after = await Eventually.WaitAsync(async () => await MigrationsAsync(cluster, i) is { Count: > 0 } records ? records : null,
                TimeSpan.FromSeconds(30), $"the journal through member-{i}", explain);
            var ids = after.Select(r => (string)r["id"]!).ToList();
            Output($"through member-{i}: {after.Count} records ({after.Count(r => r.IsDecision())} decisions, {after.Count(r => r.IsResult())} results), {beforeCut.Count} before the cut");
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(beforeCut, r => Assert.Contains((string)r["id"]!, ids));
            // With the replicated JSONL journals (before the store) a cut-off member could list the
            // same migration's result twice; with the store every member reads one log.
            var twice = after.Where(r => r.IsResult()).GroupBy(r => r.MigrationId()).Where(g => g.Count() > 1)
                .Select(g => g.Key + " (" + string.Join(" / ", g.Select(r => $"{r.Status()} by {(string?)r["member"]} at {(string?)r["time"]}")) + ")").ToList();
            if (twice.Count > 0)
            {
                Output($"through member-{i}: migrations with more than one result: {string.Join("; ", twice)}");
            }

            Assert.All(after.Where(r => r.IsResult()).GroupBy(r => (r.MigrationId(), r.Status())), g => Assert.Single(g));
        }
    }

    private static async Task<JsonObject> StatusAsync(EmulatedCluster cluster, int? member = null)
    {
        var (exit, output, error) = await cluster.CtlOnAsync(member, "status", "-o", "json");
        return exit == 0 ? (JsonObject)JsonNode.Parse(output)! : throw new InvalidOperationException($"giantvmctl status: exit {exit}: {error.Trim()}");
    }

    private static async Task<List<JsonObject>> MigrationsAsync(EmulatedCluster cluster, int? member = null)
    {
        var (exit, output, error) = await cluster.CtlOnAsync(member, "migrations", "-o", "json");
        return exit == 0 ? JsonNode.Parse(output)!.AsArray().Select(r => (JsonObject)r!).ToList() : throw new InvalidOperationException($"giantvmctl migrations: exit {exit}: {error.Trim()}");
    }

    /// <summary>The member each connected agent is on (status -o json).</summary>
    private static List<int> AgentMembers(JsonObject status) => status["agents"]!.AsArray().Select(a => MemberIndex((string)a!["member"]!)).ToList();

    private static int MemberIndex(string name) => int.Parse(name["member-".Length..], CultureInfo.InvariantCulture);

    private static string Try(Func<string> f)
    {
        try
        {
            return f();
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    private static void Output(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>
    /// What systemd's Restart=always does for the members: a member that exits is started again
    /// a second later. Keeps each exit's member, time and code.
    /// </summary>
    private sealed class Supervisor : IAsyncDisposable
    {
        private readonly EmulatedCluster _cluster;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly List<(int Member, DateTimeOffset At, int Code)> _exits = [];

        public Supervisor(EmulatedCluster cluster)
        {
            _cluster = cluster;
            _loop = Task.Run(LoopAsync);
        }

        public IReadOnlyList<int> ExitCodes
        {
            get
            {
                lock (_exits)
                {
                    return _exits.Select(e => e.Code).ToList();
                }
            }
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                for (var i = 0; i < _cluster.Members.Length; i++)
                {
                    if (_cluster.Members[i] is { HasExited: true } member)
                    {
                        lock (_exits)
                        {
                            _exits.Add((i, member.ExitedAt ?? DateTimeOffset.UtcNow, member.ExitCode));
                        }

                        await Task.Delay(1000);
                        _cluster.StartMember(i);
                    }
                }

                try
                {
                    await Task.Delay(200, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        /// <summary>The exits so far, times relative to <paramref name="from"/> when given.</summary>
        public string Describe(DateTimeOffset? from)
        {
            lock (_exits)
            {
                return _exits.Count == 0 ? "no member exited" : "exits: " + string.Join(", ", _exits.Select(e =>
                    $"member-{e.Member} code {e.Code} at {(from is { } f ? $"{(e.At - f).TotalSeconds:+0.0;-0.0} s" : e.At.ToString("HH:mm:ss.f", CultureInfo.InvariantCulture))}"));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    /// <summary>
    /// Keeps decisions coming whatever the rebalancer did before: every node's LC runs at 95 %
    /// except one cool node at 10 %, and once every BE task is on the cool node the next node
    /// becomes the cool one. With <see cref="Scenario"/>'s CFS weights a single BE task on a hot
    /// node already sees steal above steal_high, so no task can settle anywhere but the cool node.
    /// </summary>
    private sealed class Spiker : IDisposable
    {
        private readonly Timer _timer;
        private int _cool = -1;

        public Spiker(EmulatedCluster cluster)
        {
            _timer = new Timer(_ =>
            {
                try
                {
                    var placement = cluster.Placement();
                    if (_cool < 0 || placement.All(p => p.CpuNode == _cool))
                    {
                        _cool = (Math.Max(_cool, placement.First().CpuNode) + 1) % cluster.Nodes;
                        for (var n = 0; n < cluster.Nodes; n++)
                        {
                            cluster.SetLc(n, n == _cool ? "10%" : "95%");
                        }
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // the emulator is between two writes (or stopping): next tick
                }
            }, null, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        }

        public void Dispose() => _timer.Dispose();
    }

    /// <summary>
    /// Samples every member's giantvm_decision_rounds_total every 250 ms: when it last went up,
    /// and whether two members' counters went up within the same second.
    /// </summary>
    private sealed class RoundWatch : IAsyncDisposable
    {
        private readonly EmulatedCluster _cluster;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly List<(DateTimeOffset At, int Member, double Rounds)> _samples = [];

        public RoundWatch(EmulatedCluster cluster)
        {
            _cluster = cluster;
            _loop = Task.Run(LoopAsync);
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                for (var i = 0; i < 3; i++)
                {
                    if (await _cluster.MetricsAsync(i) is { } m)
                    {
                        var rounds = m.Where(kv => kv.Key.StartsWith("giantvm_decision_rounds_total", StringComparison.Ordinal)).Sum(kv => kv.Value);
                        lock (_samples)
                        {
                            _samples.Add((DateTimeOffset.UtcNow, i, rounds));
                        }
                    }
                }

                try
                {
                    await Task.Delay(250, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        /// <summary>Increases of each member's counter: (time of the sample that saw it, member). A restarted member starts again from 0: not an increase.</summary>
        private List<(DateTimeOffset At, int Member)> Increases()
        {
            lock (_samples)
            {
                return _samples.GroupBy(s => s.Member)
                    .SelectMany(g => g.Zip(g.Skip(1), (a, b) => (a, b)).Where(p => p.b.Rounds > p.a.Rounds).Select(p => (p.b.At, p.b.Member)))
                    .OrderBy(x => x.At).ToList();
            }
        }

        public DateTimeOffset? LastIncrease(int member) => Increases().Where(x => x.Member == member).Select(x => (DateTimeOffset?)x.At).LastOrDefault();

        /// <summary>The members among <paramref name="members"/> whose counter goes up during the next <paramref name="window"/>.</summary>
        public async Task<List<int>> RunningAsync(IReadOnlyList<int> members, TimeSpan window)
        {
            var from = DateTimeOffset.UtcNow;
            await Task.Delay(window);
            return Increases().Where(x => x.At > from && members.Contains(x.Member)).Select(x => x.Member).Distinct().Order().ToList();
        }

        public Task WaitRunningAsync(int member, Func<string> explain) =>
            Eventually.WaitAsync(() => LastIncrease(member) > DateTimeOffset.UtcNow.AddSeconds(-2), TimeSpan.FromSeconds(30), $"member-{member} running rounds", explain);

        /// <summary>
        /// True when, within some 3 s, two members' counters each went up at least twice: two
        /// rebalancers running rounds (one a second) at the same time, not one handing over to another.
        /// </summary>
        public bool SawTwoAtOnce(out DateTimeOffset when)
        {
            var increases = Increases();
            foreach (var (at, _) in increases)
            {
                var running = increases.Where(x => x.At >= at && x.At <= at + TimeSpan.FromSeconds(3)).GroupBy(x => x.Member).Count(g => g.Count() >= 2);
                if (running >= 2)
                {
                    when = at;
                    return true;
                }
            }

            when = default;
            return false;
        }

        public string Describe() => "round increases (member@time): " + string.Join(" ", Increases().TakeLast(60).Select(x => $"{x.Member}@{x.At:HH:mm:ss.f}"));

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}
