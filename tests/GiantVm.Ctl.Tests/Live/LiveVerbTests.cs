using System.Text.Json;
using GiantVm.Contracts.V1;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;

namespace GiantVm.Ctl.Tests.Live;

/// <summary>Every live verb against the real coordinator host (in-process, one-member Akka cluster) and a fake guest agent.</summary>
[Trait("Category", "in-process")]
public sealed class LiveVerbTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_ShowsTheMemberTheGuestAgentAndThePolicy()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents);

        var table = await coordinator.RunAsync("status");
        var json = await coordinator.RunAsync("status", "-o", "json");

        Assert.Equal((0, ""), (table.ExitCode, table.Error));
        Assert.Contains("policy:       fast v1 (mode balanced), loaded", table.Out, StringComparison.Ordinal);
        AssertHas(@"\nguest  -     guest     fake-1 ", table.Out);
        AssertFits(table.Out);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal(["vm", "instances", "rebalancerMember", "recording", "store", "members", "agents", "policy", "paused", "lastRound", "lastRoundDecisions", "migrationsLastHour"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Contains("store:        sqlite, reachable (", table.Out, StringComparison.Ordinal);
        Assert.Contains("  location:   sqlite:/", table.Out, StringComparison.Ordinal);
        Assert.Equal(("sqlite", true), (doc.RootElement.GetProperty("store").GetProperty("kind").GetString(), doc.RootElement.GetProperty("store").GetProperty("reachable").GetBoolean()));
        Assert.True(Assert.Single(doc.RootElement.GetProperty("members").EnumerateArray()).GetProperty("runsRebalancer").GetBoolean());
        Assert.Equal("guest", Assert.Single(doc.RootElement.GetProperty("agents").EnumerateArray()).GetProperty("role").GetString());
        Assert.Equal(("fast", 1), (doc.RootElement.GetProperty("policy").GetProperty("name").GetString(), doc.RootElement.GetProperty("policy").GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task NodesAndTasks_ShowTheGuestsReport_AndAnUnknownNodeIsExit2()
    {
        // Not paused: automatic rounds smooth the steal, find node 0 hot and move its task.
        await using var coordinator = await LiveCoordinator.StartAsync();
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents, steal0: 0.6);
        await WaitForNodesAsync(coordinator);
        await WaitUntilAsync(() => LiveRun.With(coordinator.Connector(), "nodes", "-o", "json").Out.Contains("\"state\": \"hot\"", StringComparison.Ordinal));

        var nodes = await coordinator.RunAsync("nodes");
        var tasks = await coordinator.RunAsync("tasks");
        var onNode1 = await coordinator.RunAsync("tasks", "--node", "1", "-o", "json");
        var unknown = await coordinator.RunAsync("tasks", "--node", "9");

        Assert.Equal(0, nodes.ExitCode);
        AssertHas(@"\n0     0-1   0\.600  0\.600   hot    -        -    4\.0G      \d+s +no       1\n1     2-3   0\.000  0\.000   cool   -        -    6\.0G      \d+s +no       0\n", nodes.Out);
        AssertFits(nodes.Out);
        AssertHas(@"\n4242  stress  0     1\.0M  1\.0  \d+s ago from node 0\n", tasks.Out);
        using (var doc = JsonDocument.Parse(onNode1.Out))
        {
            Assert.Empty(doc.RootElement.GetProperty("tasks").EnumerateArray());
        }

        Assert.Equal((2, ""), (unknown.ExitCode, unknown.Out));
        Assert.Equal("giantvmctl: unknown node 9: the coordinator knows nodes 0, 1\n", unknown.Error);
    }

    [Fact]
    public async Task Snapshot_IsTheDecisionCoresFormat_AndPlanAcceptsIt()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents, steal0: 0.6);
        await WaitForNodesAsync(coordinator);
        using var dir = new TempDir();

        var snapshot = await coordinator.RunAsync("snapshot");
        var path = dir.File("s.json", snapshot.Out);
        var plan = CtlRun.Of("plan", "--snapshot", path, "--policy", "default", "-o", "json");

        Assert.Equal(0, snapshot.ExitCode);
        var parsed = SnapshotJson.Parse(snapshot.Out, "s.json");
        Assert.Equal([0, 1], parsed.Nodes.Select(n => n.Id));
        Assert.Equal(4242, Assert.Single(parsed.Tasks).Pid);
        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("\"pid\":4242", plan.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebalance_WaitWithEveryMigrationDone_PrintsTheResultsAndExits0()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        Assert.Equal(0, (await coordinator.RunAsync("pause", "--reason", "test")).ExitCode);
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents, steal0: 0.6);
        await WaitForNodesAsync(coordinator);

        var run = await coordinator.RunAsync("rebalance", "--wait", "--timeout", "15s");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        AssertHas(@"\n4242  stress  0     1   done    ", run.Out);
        Assert.EndsWith("1 decision: 1 done\n", run.Out, StringComparison.Ordinal);
        Assert.Equal(4242, Assert.Single(guest.Commands).Command.Pid);
        AssertFits(run.Out);
    }

    [Fact]
    public async Task Rebalance_WaitWithAFailedMigration_Exits1()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await coordinator.RunAsync("pause");
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents, steal0: 0.6);
        guest.Answer = MigrationStatus.Failed;
        await WaitForNodesAsync(coordinator);

        var run = await coordinator.RunAsync("rebalance", "--wait", "-o", "json");

        Assert.Equal(1, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var decision = Assert.Single(doc.RootElement.GetProperty("decisions").EnumerateArray());
        Assert.Equal("failed", decision.GetProperty("status").GetString());
        Assert.Equal("migratepages: Operation not permitted", decision.GetProperty("result").GetProperty("error").GetString());
        Assert.Equal(["decisions", "timedOut", "message"], doc.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Rebalance_WaitWithoutAnAnswer_TimesOutAndExits1()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await coordinator.RunAsync("pause");
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents, steal0: 0.6);
        guest.Answer = null;
        await WaitForNodesAsync(coordinator);

        var run = await coordinator.RunAsync("rebalance", "--wait", "--timeout", "1s");

        Assert.Equal(1, run.ExitCode);
        AssertHas(@"\n4242  stress  0     1   timeout ", run.Out);
    }

    [Fact]
    public async Task Rebalance_WithNothingToDo_Exits0AndSaysWhy()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents);
        await WaitForNodesAsync(coordinator);

        var run = await coordinator.RunAsync("rebalance", "--dry-run");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.StartsWith("no decisions", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Move_Wait_IsDoneAndJournaled_AndMigrationsShowsIt()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await coordinator.RunAsync("pause");
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents);
        await WaitForNodesAsync(coordinator);

        var move = await coordinator.RunAsync("move", "4242", "--to", "1", "--wait");
        var table = await coordinator.RunAsync("migrations");
        var jsonl = await coordinator.RunAsync("migrations", "-o", "jsonl", "--pid", "4242");
        var done = await coordinator.RunAsync("migrations", "--status", "done", "-o", "json");
        var otherPid = await coordinator.RunAsync("migrations", "--pid", "1", "-o", "json");
        var tasks = await coordinator.RunAsync("tasks");

        Assert.Equal((0, ""), (move.ExitCode, move.Error));
        AssertHas(@"\n4242  stress  0     1   done    ", move.Out);
        Assert.Equal(0, table.ExitCode);
        AssertHas(@"\d\d-\d\d \d\d:\d\d:\d\d  4242  stress  0     1   move     pending  ", table.Out);
        AssertHas(@"  4242  stress  0     1   move     done     256 pages moved", table.Out);
        AssertFits(table.Out);
        var records = JournalJson.ReadLines(jsonl.Out, "stdout");
        Assert.Equal([JournalKinds.Decision, JournalKinds.Result], records.Select(r => r.Kind));
        Assert.Equal((MigrationTriggers.Move, 0, 1, 256L), (records[1].Trigger, records[0].From!.Value, records[1].To!.Value, records[1].PagesMoved!.Value));
        using (var doc = JsonDocument.Parse(done.Out))
        {
            Assert.Equal("done", Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("status").GetString());
        }

        Assert.Equal("[]\n", otherPid.Out);
        AssertHas(@"\n4242  stress  0     1\.0M  1\.0  \d+s ago from node 0\n", tasks.Out);
    }

    [Fact]
    public async Task Move_ToADrainedNode_IsRefusedWithExit1_AndUndrainAllowsItAgain()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await coordinator.RunAsync("pause");
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents);
        await WaitForNodesAsync(coordinator);

        var drain = await coordinator.RunAsync("drain", "1");
        var nodes = await coordinator.RunAsync("nodes", "-o", "json");
        var refused = await coordinator.RunAsync("move", "4242", "--to", "1");
        var undrain = await coordinator.RunAsync("undrain", "1");
        var moved = await coordinator.RunAsync("move", "4242", "--to", "1");
        var unknown = await coordinator.RunAsync("move", "4242", "--to", "5");

        Assert.Equal((0, "node 1 drained; drained nodes: 1\n"), (drain.ExitCode, drain.Out));
        using (var doc = JsonDocument.Parse(nodes.Out))
        {
            Assert.Equal([false, true], doc.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("drained").GetBoolean()));
        }

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("giantvmctl: move of pid 4242 to node 1 refused: ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("drained", refused.Error, StringComparison.Ordinal);
        Assert.Equal((0, "node 1 undrained; drained nodes: none\n"), (undrain.ExitCode, undrain.Out));
        Assert.Equal(0, moved.ExitCode);
        Assert.Equal(2, unknown.ExitCode);
    }

    [Fact]
    public async Task DrainEvacuate_Wait_MovesTheNodesTasksAway()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await coordinator.RunAsync("pause");
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents);
        await WaitForNodesAsync(coordinator);

        var run = await coordinator.RunAsync("drain", "0", "--evacuate", "--wait", "-o", "json");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal([0], doc.RootElement.GetProperty("drainedNodes").EnumerateArray().Select(n => n.GetInt32()));
        var decision = Assert.Single(doc.RootElement.GetProperty("decisions").EnumerateArray());
        Assert.Equal(("evacuate", 1, "done"), (decision.GetProperty("trigger").GetString(), decision.GetProperty("to").GetInt32(), decision.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task PauseAndResume_ChangeTheStatus()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();

        var pause = await coordinator.RunAsync("pause");
        var paused = await coordinator.RunAsync("status", "-o", "json");
        var resume = await coordinator.RunAsync("resume", "-o", "json");
        var running = await coordinator.RunAsync("status", "-o", "json");

        Assert.Equal((0, "paused: automatic rounds stopped (manual verbs still work)\n"), (pause.ExitCode, pause.Out));
        Assert.True(JsonDocument.Parse(paused.Out).RootElement.GetProperty("paused").GetBoolean());
        Assert.Equal("{\n  \"paused\": false\n}\n", resume.Out.ReplaceLineEndings("\n"));
        Assert.False(JsonDocument.Parse(running.Out).RootElement.GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task MigrationsFollow_StreamsNewRecordsUntilStopped()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await coordinator.RunAsync("pause");
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents);
        await WaitForNodesAsync(coordinator);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var output = new LockedWriter();
        var follow = Task.Run(() => new CtlApp(output, new StringWriter(), null, coordinator.Connector(stop: stop.Token)).Run(["migrations", "--follow", "-o", "jsonl"]), Ct);

        await coordinator.RunAsync("move", "4242", "--to", "1", "--wait");
        await WaitUntilAsync(() => output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 2);
        await stop.CancelAsync();
        var code = await follow.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.Equal(0, code);
        var records = JournalJson.ReadLines(output.Text, "stdout");
        Assert.Equal([MigrationStatuses.Pending, MigrationStatuses.Done], records.Select(r => r.Status));
    }

    [Fact]
    public async Task PolicyShowAndReload_SendTheValidatedFile_OrRereadTheCoordinatorsOwn()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        using var dir = new TempDir();
        var newPolicy = dir.File("new.yaml", LiveCoordinator.Policy.Replace("mode: balanced", "mode: all-be", StringComparison.Ordinal));
        var badPolicy = dir.File("bad.yaml", "signal:\n  steal_high: 2\n");

        var show = await coordinator.RunAsync("policy", "show");
        var reload = await coordinator.RunAsync("policy", "reload", newPolicy);
        var bad = LiveRun.With(new GiantVm.Ctl.Live.CoordinatorConnector(), "policy", "reload", badPolicy, "--coordinator", LiveCoordinator.Refused);
        await File.WriteAllTextAsync(coordinator.PolicyPath, LiveCoordinator.Policy.Replace("interval: 200ms", "interval: 2s", StringComparison.Ordinal), Ct);
        var reread = await coordinator.RunAsync("policy", "reload", "-o", "json");
        var shown = await coordinator.RunAsync("policy", "show", "-o", "json");

        Assert.Equal(0, show.ExitCode);
        Assert.StartsWith("# policy fast v1 (mode balanced) from ", show.Out, StringComparison.Ordinal);
        Assert.Contains("interval: 200ms", show.Out, StringComparison.Ordinal);
        Assert.Equal((0, ""), (reload.ExitCode, reload.Error));
        Assert.StartsWith("reloaded: policy fast v2 (mode all-be) from " + newPolicy, reload.Out, StringComparison.Ordinal);
        Assert.Contains("  mode: balanced -> all-be", reload.Out, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith($"giantvmctl: {badPolicy}:2: signal.steal_high", bad.Error, StringComparison.Ordinal);
        Assert.Equal(0, reread.ExitCode);
        Assert.Contains("\"interval: 200ms -> 2s\"", reread.Out, StringComparison.Ordinal);
        var info = JsonDocument.Parse(shown.Out).RootElement.GetProperty("info");
        Assert.Equal(["name", "source", "version", "loadedAt", "mode", "dryRun"], info.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, info.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Advise_PrintsABareNodeNumber_AndExits1WhenNoNodeIsKnown()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        var none = await coordinator.RunAsync("advise");
        await using var guest = await FakeGuestAgent.ConnectAsync(coordinator.Agents, steal0: 0.6);
        await WaitForNodesAsync(coordinator);

        var advise = await coordinator.RunAsync("advise", "--cpus", "1", "--memory", "1G");
        var json = await coordinator.RunAsync("advise", "-o", "json");
        var badSize = await coordinator.RunAsync("advise", "--memory", "4X");

        Assert.Equal(1, none.ExitCode);
        Assert.StartsWith("giantvmctl: no node fits", none.Error, StringComparison.Ordinal);
        Assert.Equal((0, "1\n"), (advise.ExitCode, advise.Out));
        Assert.Equal(1, JsonDocument.Parse(json.Out).RootElement.GetProperty("node").GetInt32());
        Assert.Equal((2, "giantvmctl: --memory: '4X' is not a size (examples: 4G, 512M, 1048576)\n"), (badSize.ExitCode, badSize.Error));
    }

    [Fact]
    public async Task Coordinator_AddressesAreTriedInTurn_FromTheOptionOrTheEnvironment()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();

        var fromOption = await Task.Run(() => LiveRun.With(coordinator.Connector(), "status", "--coordinator", $"{LiveCoordinator.Refused},http://coordinator:5000"), Ct);
        var fromEnvironment = await Task.Run(() => LiveRun.With(
            coordinator.Connector(name => name == "GIANTVM_COORDINATOR" ? $"{LiveCoordinator.Refused},coordinator:5000" : null), "pause"), Ct);
        var unreachable = await Task.Run(() => LiveRun.With(coordinator.Connector(), "nodes", "--coordinator", LiveCoordinator.Refused), Ct);

        Assert.Equal((0, ""), (fromOption.ExitCode, fromOption.Error));
        Assert.Equal((0, ""), (fromEnvironment.ExitCode, fromEnvironment.Error));
        Assert.Equal((3, ""), (unreachable.ExitCode, unreachable.Out));
        Assert.Equal($"giantvmctl: cannot reach the coordinator at {LiveCoordinator.Refused} (Connection refused); set --coordinator or GIANTVM_COORDINATOR\n", unreachable.Error);
    }

    internal static void AssertHas(string pattern, string text) =>
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, pattern), $"pattern {pattern} not in:\n{text}");

    internal static void AssertFits(string output) =>
        Assert.All(output.Split('\n'), line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));

    private static Task WaitForNodesAsync(LiveCoordinator coordinator) => WaitUntilAsync(() =>
    {
        var run = LiveRun.With(coordinator.Connector(), "tasks", "-o", "json");
        return run.ExitCode == 0 && run.Out.Contains("4242", StringComparison.Ordinal);
    });

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await Task.Run(condition, Ct))
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 15 s");
            await Task.Delay(50, Ct);
        }
    }
}
