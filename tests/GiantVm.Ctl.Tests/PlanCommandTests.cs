using System.Text.Json;

namespace GiantVm.Ctl.Tests;

public sealed class PlanCommandTests : IDisposable
{
    private const string Snapshot = """
        {"time":"2026-01-01T00:00:00Z",
         "nodes":[{"id":0,"stealRatio":0.42,"memFreeBytes":4294967296,"ageSeconds":1.0},
                  {"id":1,"stealRatio":0.03,"memFreeBytes":4294967296,"ageSeconds":1.0},
                  {"id":2,"stealRatio":0.00,"ageSeconds":40.0}],
         "tasks":[{"pid":100,"comm":"be-1","node":0,"rssBytes":104857600,"cpuCores":1.0},
                  {"pid":101,"comm":"be-2","node":0,"rssBytes":209715200,"cpuCores":2.0}]}
        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Plan_SingleSnapshot_TakesStealAsSustainedAndPrintsTheDecisions()
    {
        var run = CtlRun.Of("plan", "--snapshot", _dir.File("s.json", Snapshot), "--policy", "default");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Contains("steal taken as sustained", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n  101  be-2  0     1   no       balanced: node 0 hot \(smoothed steal 0\.420", run.Out);
        Assert.Matches(@"\n  100  be-1  0     1   no       balanced:", run.Out);
        Assert.Matches(@"\n  2     0\.000  0\.000     no   no      stale: report 40s old > stale_after 15s\n", run.Out);
        Assert.EndsWith("1 round, 2 decisions\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Json_HasExactlyTheDocumentedShape()
    {
        var run = CtlRun.Of("plan", "--snapshot", _dir.File("s.json", Snapshot), "--policy", "all-be", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var step = Assert.Single(doc.RootElement.GetProperty("steps").EnumerateArray());
        Assert.Equal(["steps"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["time", "decisions"], step.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-01-01T00:00:00+00:00", step.GetProperty("time").GetString());
        var decisions = step.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d => Assert.Equal(["pid", "from", "to", "dryRun", "reason"], d.EnumerateObject().Select(p => p.Name)));
        Assert.Equal((101, 0, 1, false), (decisions[0].GetProperty("pid").GetInt32(), decisions[0].GetProperty("from").GetInt32(),
            decisions[0].GetProperty("to").GetInt32(), decisions[0].GetProperty("dryRun").GetBoolean()));
        Assert.StartsWith("all-be: node 0 hot (smoothed steal 0.420 > steal_high 0.150)", decisions[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Series_RunsTheProductionRulesOverTheSnapshots()
    {
        // 12 rounds 5 s apart with node 0 at 0.4: the default policy needs 8 rounds above steal_high.
        var lines = Enumerable.Range(0, 12).Select(i =>
            $$"""{"time":"{{new DateTimeOffset(2026, 1, 1, 0, 0, i * 5, TimeSpan.Zero):O}}","nodes":[{"id":0,"stealRatio":0.4},{"id":1,"stealRatio":0.01}],"tasks":[{"pid":7,"node":0}]}""");
        var path = _dir.File("series.jsonl", string.Join("\n", lines) + "\n");

        var run = CtlRun.Of("plan", "--snapshot", path, "--policy", "default", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var counts = doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("decisions").GetArrayLength()).ToList();
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], counts);
    }

    [Fact]
    public void Plan_SeriesWithoutTime_AdvancesByThePolicyInterval()
    {
        var line = """{"nodes":[{"id":0,"stealRatio":0.4},{"id":1,"stealRatio":0.01}],"tasks":[{"pid":7,"node":0}]}""";
        var path = _dir.File("series.jsonl", string.Join("\n", Enumerable.Repeat(line, 3)));

        var run = CtlRun.Of("plan", "--snapshot", path, "--policy", "demo", "-o", "json");

        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(
            ["1970-01-01T00:00:00+00:00", "1970-01-01T00:00:01+00:00", "1970-01-01T00:00:02+00:00"],
            doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("time").GetString()));
    }

    [Fact]
    public void Plan_DryRunPolicy_MarksDecisions()
    {
        var policy = _dir.File("dry.yaml", "mode: all-be\ndry_run: true\n");

        var run = CtlRun.Of("plan", "--snapshot", _dir.File("s.json", Snapshot), "--policy", policy);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"\n  101  be-2  0     1   yes      all-be:", run.Out);
        Assert.EndsWith("1 round, 2 decisions (dry-run)\n", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"nodes\":[{\"id\":0}]}", "giantvmctl: {0}:1: nodes[0]: missing required field 'stealRatio'\n")]
    [InlineData("", "giantvmctl: {0}:1: holds no snapshot (empty file)\n")]
    public void Plan_BadSnapshot_IsAnInputError(string content, string expected)
    {
        var path = _dir.File("bad.json", content);

        var run = CtlRun.Of("plan", "--snapshot", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Plan_SnapshotIsADirectory_IsAnInputError()
    {
        var run = CtlRun.Of("plan", "--snapshot", _dir.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"giantvmctl: cannot read snapshot file {_dir.Path}: it is a directory\n", run.Error);
    }

    [Fact]
    public void Plan_DashReadsTheSnapshotFromStdin()
    {
        var run = CtlRun.WithInput(Snapshot, "plan", "--snapshot", "-", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"pid\":101", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_EmptyStdin_IsAnInputError()
    {
        var run = CtlRun.WithInput("", "plan", "--snapshot", "-");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("giantvmctl: <stdin>:1: holds no snapshot (empty file)\n", run.Error);
    }

    [Fact]
    public void Plan_MissingSnapshotFile_IsAnInputError()
    {
        var run = CtlRun.Of("plan", "--snapshot", "/nonexistent/s.json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("giantvmctl: cannot read snapshot file /nonexistent/s.json: no such file\n", run.Error);
    }

    [Theory]
    [InlineData("nosuchpolicy", "giantvmctl: nosuchpolicy: is neither a shipped policy (none, all-be, balanced, least-tasks, random, default, demo, lc-harm, lc-harm-frugal) nor a file\n")]
    [InlineData("/nonexistent/p.yaml", "giantvmctl: /nonexistent/p.yaml: cannot read policy file: no such file\n")]
    public void Plan_UnknownPolicy_IsAnInputError(string policy, string expected)
    {
        var run = CtlRun.Of("plan", "--snapshot", _dir.File("s.json", Snapshot), "--policy", policy);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected, run.Error);
    }

    [Theory]
    [InlineData(new[] { "plan" }, "giantvmctl: Option '--snapshot' is required. (see 'giantvmctl plan --help')\n")]
    [InlineData(new[] { "plan", "-s", "x", "-o", "xml" }, "giantvmctl: Argument 'xml' not recognized. Must be one of: 'table' 'wide' 'json' 'jsonl' (see 'giantvmctl plan --help')\n")]
    [InlineData(new[] { "plan", "-s", "x", "--frob" }, "giantvmctl: Unrecognized command or argument '--frob'. (see 'giantvmctl plan --help')\n")]
    [InlineData(new[] { "frobnicate" }, "giantvmctl: Unrecognized command or argument 'frobnicate'. (see 'giantvmctl --help')\n")]
    [InlineData(new string[0], "giantvmctl: Required command was not provided. (see 'giantvmctl --help')\n")]
    public void ParserErrors_AreOneLineAndExitTwo(string[] args, string expected)
    {
        var run = CtlRun.Of(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected, run.Error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("plan", "--help")]
    [InlineData("policy", "--help")]
    [InlineData("policy", "validate", "--help")]
    public void EveryCommand_HasHelp(params string[] args)
    {
        var run = CtlRun.Of(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Out, StringComparison.Ordinal);
    }
}
