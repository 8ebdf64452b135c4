using System.Text.Json;
using GiantVm.Linux.Tests.Fixtures;

namespace GiantVm.NodeAgent.Tests.Probe;

public class CommandLineTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AgentCommandLine.RunAsync(args, stdout, stderr, TimeProvider.System);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static void AssertOneLineError((int Code, string Out, string Err) r, string mentions)
    {
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(mentions, lines[0]);
    }

    [Fact]
    public async Task Run_ANumberFlagThatIsNoNumber_IsOneLineAndExit2_WithoutTheClrTypeName()
    {
        var r = await Run("run", "--role", "guest", "--coordinator", "http://127.0.0.1:1", "--numa-maps-max-age", "abc");
        AssertOneLineError(r, "--numa-maps-max-age 'abc': expected a whole number");
        Assert.DoesNotContain("System.", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_UnknownRole_IsOneLineAndExit2() =>
        AssertOneLineError(await Run("probe", "--role", "moon"), "moon");

    [Fact]
    public async Task Probe_WithoutRole_IsOneLineAndExit2() =>
        AssertOneLineError(await Run("probe"), "--role");

    [Fact]
    public async Task Probe_BadInterval_IsOneLineAndExit2() =>
        AssertOneLineError(await Run("probe", "--role", "host", "--interval", "soon"), "--interval");

    [Fact]
    public async Task Probe_MissingProcRoot_IsOneLineAndExit2() =>
        AssertOneLineError(await Run("probe", "--role", "guest", "--proc-root", "/no/such/dir"), "--proc-root /no/such/dir");

    [Fact]
    public async Task Probe_ProcRootWithoutStat_IsOneLineAndExit2()
    {
        using var tree = FakeTree.Create();
        AssertOneLineError(await Run("probe", "--role", "host", "--proc-root", tree.Proc), "stat");
    }

    [Fact]
    public async Task Probe_SysRootWithoutNodes_IsOneLineAndExit2()
    {
        using var tree = GuestTrees.FourNode.Create('b');
        tree.Delete("sys/devices");
        AssertOneLineError(await Run("probe", "--role", "guest", "--proc-root", tree.Proc, "--sys-root", tree.Sys), "--sys-root");
    }

    [Fact]
    public async Task Probe_MalformedProcStat_NamesFileAndLine()
    {
        using var tree = GuestTrees.FourNode.Create('b');
        tree.Write("proc/stat", "cpu  1 2 3 4\ncpu0 1 2 x 4\n");
        AssertOneLineError(await Run("probe", "--role", "guest", "--proc-root", tree.Proc, "--sys-root", tree.Sys), Path.Combine(tree.Proc, "stat") + ":2:");
    }

    [Theory]
    [InlineData("--be-cgroup", "nope")]
    [InlineData("--be-pid-file", "/no/such/file")]
    [InlineData("--be-comm", "(")]
    public async Task Probe_BadBeSelection_IsOneLineAndExit2(string option, string value)
    {
        using var tree = GuestTrees.FourNode.Create('b');
        AssertOneLineError(await Run("probe", "--role", "guest", "--proc-root", tree.Proc, "--sys-root", tree.Sys, option, value), option);
    }

    [Theory]
    [InlineData("--lc-cgroup", "nope")]
    [InlineData("--qemu-pid", "999999")]
    [InlineData("--vcpu-threads", "[")]
    public async Task Probe_BadHostOption_IsOneLineAndExit2(string option, string value)
    {
        using var tree = HostTrees.Create('b');
        AssertOneLineError(await Run("probe", "--role", "host", "--proc-root", tree.Proc, "--sys-root", tree.Sys, option, value), option);
    }

    [Fact]
    public async Task Probe_GuestJson_HasTheContractsFieldNames()
    {
        using var tree = GuestTrees.FourNode.Create('b');
        var r = await Run("probe", "--role", "guest", "--proc-root", tree.Proc, "--sys-root", tree.Sys, "--interval", "20ms", "-o", "json", "--be-cgroup", "be");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("guest", root.GetProperty("role").GetString());
        Assert.True(root.GetProperty("intervalSeconds").GetDouble() > 0);
        Assert.Equal(1, root.GetProperty("numaBalancing").GetInt32());
        var node = root.GetProperty("nodes")[2];
        Assert.Equal(2, node.GetProperty("id").GetInt32());
        Assert.Equal("8-11", node.GetProperty("cpus").GetString());
        Assert.Equal(JsonValueKind.Null, node.GetProperty("stealRatio").ValueKind); // a static tree: no CPU time passed
        Assert.Equal(JsonValueKind.Null, node.GetProperty("busyRatio").ValueKind);
        Assert.Equal(4194304L * 1024, node.GetProperty("memTotalBytes").GetInt64());
        Assert.Equal(1_200_000L * 1024, node.GetProperty("memFreeBytes").GetInt64());
        var task = root.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("pid").GetInt32() == 102);
        Assert.Equal(6000, task.GetProperty("startTime").GetInt64());
        Assert.Equal("x) (y", task.GetProperty("comm").GetString());
        Assert.Equal(2, task.GetProperty("node").GetInt32());
        Assert.Equal(6096L * 1024, task.GetProperty("rssBytes").GetInt64());
        Assert.Equal(0.0, task.GetProperty("cpuCores").GetDouble());
        Assert.Equal(1000, task.GetProperty("pagesPerNode").GetProperty("2").GetInt64());
    }

    [Fact]
    public async Task Probe_NumaMapsFalse_TakesTheNodeOfTheLastCpu_AndTheOldSpellingsStillWorkWithANote()
    {
        using var tree = GuestTrees.FourNode.Create('b');
        string[] common = ["probe", "--role", "guest", "--proc-root", tree.Proc, "--sys-root", tree.Sys, "--interval", "20ms", "--be-cgroup", "be"];

        var withMaps = await Run([.. common, "-o", "json"]);
        var without = await Run([.. common, "-o", "json", "--numa-maps", "false"]);
        var oldSpellings = await Run([.. common, "--json", "--no-numa-maps"]);

        static string Source((int Code, string Out, string Err) r)
        {
            Assert.Equal(0, r.Code);
            using var doc = JsonDocument.Parse(r.Out);
            return doc.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("pid").GetInt32() == 102).GetProperty("nodeSource").GetString()!;
        }

        Assert.Equal("numa_maps", Source(withMaps));
        Assert.NotEqual("numa_maps", Source(without));
        Assert.Equal(Source(without), Source(oldSpellings));
        Assert.Equal("", without.Err);
        Assert.Equal(
            "giantvm-agent probe: --json is deprecated and will go; use -o json\n" +
            "giantvm-agent probe: --no-numa-maps is deprecated and will go; use --numa-maps false\n", oldSpellings.Err);
    }

    [Fact]
    public async Task Probe_NumaMapsAndNoNumaMapsTogether_IsExit2()
    {
        var r = await Run("probe", "--role", "guest", "--numa-maps", "true", "--no-numa-maps");

        Assert.Equal(2, r.Code);
        Assert.EndsWith("giantvm-agent probe: give --numa-maps or --no-numa-maps, not both (see giantvm-agent probe --help)\n", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_Help_HidesTheDeprecatedSpellings()
    {
        var r = await Run("probe", "--help");

        Assert.DoesNotContain("--json", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("--no-numa-maps", r.Out, StringComparison.Ordinal);
        Assert.Contains("-o, --output <table|json>", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_HostJson_HasTheContractsFieldNames()
    {
        using var tree = HostTrees.Create('b');
        var r = await Run("probe", "--role", "host", "--node-id", "3", "--proc-root", tree.Proc, "--sys-root", tree.Sys, "--interval", "20ms", "-o", "json", "--lc-cgroup", "lc");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("host", root.GetProperty("role").GetString());
        Assert.Equal(3, root.GetProperty("nodeId").GetInt32());
        Assert.Equal(8, root.GetProperty("cpuCount").GetInt32());
        Assert.Equal(0.0, root.GetProperty("busyCores").GetDouble());
        Assert.Equal(0.0, root.GetProperty("lcBusyCores").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("vcpuStealRatio").ValueKind); // no vCPU ran in a static tree
        Assert.Equal(31457280L * 1024, root.GetProperty("memAvailableBytes").GetInt64());
    }

    [Fact]
    public async Task Probe_WithoutJson_PrintsTables()
    {
        using var tree = GuestTrees.FourNode.Create('b');
        var r = await Run("probe", "--role", "guest", "--proc-root", tree.Proc, "--sys-root", tree.Sys, "--interval", "20ms", "--be-comm", "^worker");
        Assert.Equal(0, r.Code);
        Assert.Contains("NODE  CPUS", r.Out);
        Assert.Contains("12-15", r.Out);
        Assert.Contains("BE tasks: 1", r.Out);
        Assert.Contains("worker a", r.Out);
        Assert.Contains("N0=100 N1=300", r.Out);
    }

    [Fact]
    public async Task Help_ListsEveryProbeOption()
    {
        var r = await Run("probe", "--help");
        Assert.Equal(0, r.Code);
        foreach (var option in new[] { "--role", "--node-id", "--proc-root", "--sys-root", "--cgroup-root", "--interval", "--output", "--numa-maps", "--be-cgroup", "--be-comm", "--be-pid-file", "--lc-cgroup", "--qemu-pid", "--vcpu-threads" })
        {
            Assert.Contains(option, r.Out);
        }
    }

    [Theory]
    [InlineData("1s", 1000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120000)]
    [InlineData("2", 2000)]
    [InlineData("1h", 3600000)]
    public void AgentDuration_ParsesTheSharedGrammar(string text, int ms)
    {
        Assert.True(GiantVm.NodeAgent.Hosting.AgentOptionsValidator.TryAgentDuration(text, out var d));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("fast")]
    [InlineData("2h")]
    [InlineData("1h1s")]
    public void AgentDuration_RejectsNonsenseZeroAndMoreThanAnHour(string text) =>
        Assert.False(GiantVm.NodeAgent.Hosting.AgentOptionsValidator.TryAgentDuration(text, out _));
}
