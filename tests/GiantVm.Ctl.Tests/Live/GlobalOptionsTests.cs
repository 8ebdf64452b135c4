using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using GiantVm.Ctl.Live;
using GiantVm.Testing;

namespace GiantVm.Ctl.Tests.Live;

/// <summary>
/// The options every live verb shares (-c, --vm, -o, --request-timeout) go before or after the
/// verb; --vm reaches the coordinator; a coordinator that never answers is exit 3 within the
/// request timeout.
/// </summary>
[Trait("Category", "in-process")]
public sealed class GlobalOptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OutputCoordinatorAndVm_WorkBeforeOrAfterTheVerb()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        var connector = coordinator.Connector(stop: Ct);

        var before = await Task.Run(() => LiveRun.With(connector, "-o", "json", "-c", "http://coordinator:5000", "--vm", "giantvm", "status"), Ct);
        var after = await Task.Run(() => LiveRun.With(connector, "status", "--vm", "giantvm", "-c", "http://coordinator:5000", "-o", "json"), Ct);
        var table = await Task.Run(() => LiveRun.With(connector, "status", "-c", "http://coordinator:5000"), Ct);

        Assert.Equal((0, ""), (before.ExitCode, before.Error));
        Assert.Equal((0, ""), (after.ExitCode, after.Error));
        using var doc = JsonDocument.Parse(before.Out);
        Assert.Equal("giantvm", doc.RootElement.GetProperty("vm").GetString());
        Assert.StartsWith("{", after.Out, StringComparison.Ordinal);
        Assert.StartsWith("instances:    1\nvm:           giantvm\n", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vm_IsSentInTheRequest_AnotherVmIsRefusedByTheCoordinator()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();

        var other = await coordinator.RunAsync("--vm", "other", "nodes");
        var afterVerb = await coordinator.RunAsync("tasks", "--vm", "other");
        var own = await coordinator.RunAsync("nodes", "--vm", "giantvm");

        Assert.Equal((2, "giantvmctl: unknown vm 'other': this coordinator serves giantvm\n"), (other.ExitCode, other.Error));
        Assert.Equal((2, "giantvmctl: unknown vm 'other': this coordinator serves giantvm\n"), (afterVerb.ExitCode, afterVerb.Error));
        Assert.Equal((0, ""), (own.ExitCode, own.Error));
    }

    [Fact]
    public async Task Vm_ComesFromTheCurrentContext_WhenNotGiven()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        using var dir = new TempDir();
        var config = dir.File("config.yaml", "current-context: lab\ncontexts:\n  lab:\n    vm: elsewhere\n");
        var connector = coordinator.Connector(name => name == "GIANTVM_CONFIG" ? config : null, Ct);

        var fromContext = await Task.Run(() => LiveRun.With(connector, "nodes"), Ct);
        var flagWins = await Task.Run(() => LiveRun.With(connector, "nodes", "--vm", "giantvm"), Ct);

        Assert.Equal((2, "giantvmctl: unknown vm 'elsewhere': this coordinator serves giantvm\n"), (fromContext.ExitCode, fromContext.Error));
        Assert.Equal((0, ""), (flagWins.ExitCode, flagWins.Error));
    }

    [Fact]
    public async Task TwoInstances_WithoutVm_AreExit2ListingThem_VmsListsBoth_AndGiantvmVmChooses()
    {
        await using var coordinator = await LiveCoordinator.StartAsync();
        await AgentStream.AnnounceAsync(coordinator.Agents, "second");
        var byEnvironment = coordinator.Connector(name => name == LiveVerb.VmEnvironmentVariable ? "second" : null, Ct);

        var ambiguous = await coordinator.RunAsync("nodes");
        var vms = await coordinator.RunAsync("vms", "-o", "json");
        var table = await coordinator.RunAsync("vms");
        var chosen = await Task.Run(() => LiveRun.With(byEnvironment, "status", "-o", "json"), Ct);
        var flagWins = await Task.Run(() => LiveRun.With(byEnvironment, "status", "-o", "json", "--vm", "giantvm"), Ct);

        Assert.Equal((2, "giantvmctl: this coordinator serves 2 instances; choose one with --vm (giantvm, second)\n"), (ambiguous.ExitCode, ambiguous.Error));
        Assert.Equal(0, vms.ExitCode);
        using var doc = JsonDocument.Parse(vms.Out);
        Assert.Equal(["giantvm", "second"], doc.RootElement.GetProperty("vms").EnumerateArray().Select(v => v.GetProperty("vm").GetString()));
        Assert.All(doc.RootElement.GetProperty("vms").EnumerateArray(), v => Assert.Equal("fast", v.GetProperty("policy").GetString()));
        Assert.Contains("2 of at most 1000 instances", table.Out, StringComparison.Ordinal);
        using var second = JsonDocument.Parse(chosen.Out);
        Assert.Equal(("second", 2), (second.RootElement.GetProperty("vm").GetString(), second.RootElement.GetProperty("instances").GetInt32()));
        using var first = JsonDocument.Parse(flagWins.Out);
        Assert.Equal("giantvm", first.RootElement.GetProperty("vm").GetString());
    }

    [Fact]
    public void VmInterceptor_FillsAnEmptyVm_AndKeepsOneAlreadySet()
    {
        var interceptor = new VmInterceptor("lab");

        Assert.Equal("lab", interceptor.Stamp(new GiantVm.Contracts.V1.NodesRequest()).Vm);
        Assert.Equal("mine", interceptor.Stamp(new GiantVm.Contracts.V1.NodesRequest { Vm = "mine" }).Vm);
        Assert.Equal("lab", interceptor.Stamp(new GiantVm.Contracts.V1.MigrationsQuery()).Vm);
    }

    [Theory]
    [InlineData("nodes", "-o", "jsonl", "giantvmctl: -o jsonl: nodes prints table, wide or json\n")]
    [InlineData("-o", "wide", "status", "giantvmctl: -o wide: status prints table or json\n")]
    [InlineData("policy", "show", "-o", "wide", "giantvmctl: -o wide: policy show prints table or json\n")]
    public async Task Output_AFormatTheVerbDoesNotPrint_IsExit2NamingTheOnesItDoes(params string[] argsAndError)
    {
        await using var coordinator = await LiveCoordinator.StartAsync();

        var run = await coordinator.RunAsync(argsAndError[..^1]);

        Assert.Equal((2, "", argsAndError[^1]), (run.ExitCode, run.Out, run.Error));
    }

    [Fact]
    public void RequestTimeout_BadDuration_IsExit2()
    {
        var run = LiveRun.With(new CoordinatorConnector(environment: _ => null), "--request-timeout", "soon", "status");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("giantvmctl: --request-timeout: 'soon'", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A coordinator that accepts connections and never answers (a real socket: what a hung
    /// process looks like): every verb ends with exit 3 soon after --request-timeout, naming it.
    /// </summary>
    [Theory]
    [InlineData("--request-timeout", "500ms", "status")]
    [InlineData("nodes", "--request-timeout", "500ms")]
    [InlineData("migrations", "--follow", "--request-timeout", "500ms")]
    public async Task RequestTimeout_AHungCoordinator_IsExit3NamingTheTimeout(params string[] args)
    {
        using var hung = new TcpListener(IPAddress.Loopback, 0);
        hung.Start();
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            while (!Ct.IsCancellationRequested)
            {
                accepted.Add(await hung.AcceptSocketAsync(Ct)); // read nothing, answer nothing
            }
        }, Ct);
        var address = $"http://127.0.0.1:{((IPEndPoint)hung.LocalEndpoint).Port}";

        var clock = Stopwatch.StartNew();
        var run = await Task.Run(() => LiveRun.With(new CoordinatorConnector(environment: _ => null), [.. args, "-c", address]), Ct);
        clock.Stop();

        Assert.Equal((3, ""), (run.ExitCode, run.Out));
        Assert.Equal($"giantvmctl: no answer from the coordinator at {address} within 500ms (--request-timeout); " +
                     "is it hung? (check it with giantvmctl status -c ANOTHER-MEMBER, or give a longer --request-timeout)\n", run.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        foreach (var socket in accepted)
        {
            socket.Dispose();
        }
    }
}
