using System.Text.Json;
using GiantVm.Simulator.Cli;
using GiantVm.Simulator.Output;

namespace GiantVm.Simulator.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "giantvm-sim-cli-" + Guid.NewGuid().ToString("N"));

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = SimCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Run_WhenTraceFolderIsMissing_ExitsTwoWithOneLine()
    {
        var (code, _, err) = Run("run", "--trace", Path.Combine(_dir, "nope"), "--out", _dir);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("nope", err);
    }

    [Fact]
    public void Run_WhenAnOptionIsUnknown_ExitsTwo()
    {
        var (code, _, err) = Run("run", "--bogus");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("-1")]
    [InlineData("1PiB")]
    [InlineData("")]
    public void Run_WhenTheMigrateBandwidthIsNotABandwidth_ExitsTwoWithOneLine(string value)
    {
        Directory.CreateDirectory(_dir);
        var (code, _, err) = Run("run", "--trace", _dir, "--out", _dir, "--migrate-bandwidth", value);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("--migrate-bandwidth", err);
    }

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("1GiB", 1073741824.0)]
    [InlineData("512MiB/s", 536870912.0)]
    [InlineData("1000", 1000.0)]
    public void ParseBandwidth_AcceptsByteSizesPerSecond(string text, double bytesPerSecond)
    {
        Assert.Equal(bytesPerSecond, ModelOptions.ParseBandwidth(text, "--migrate-bandwidth"));
    }

    [Fact]
    public void Run_WhenAPolicyIsUnknown_NamesIt()
    {
        Directory.CreateDirectory(_dir);
        var (code, _, err) = Run("run", "--trace", _dir, "--out", _dir, "--policies", "none,no-such-policy");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("no-such-policy", err);
    }

    [Fact]
    public void Run_WhenTheTraceLayoutIsWrong_ExitsTwoNamingTheFolder()
    {
        Directory.CreateDirectory(_dir);
        var (code, _, err) = Run("run", "--trace", _dir, "--out", Path.Combine(_dir, "out"));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("machine_events", err);
    }

    [Fact]
    public void Run_WhenAUsageRowIsMalformed_ExitsTwoNamingFileLineAndColumn()
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 2).Usage(600, 900, 1, 0, 10, cpu: 0.5);
        string dir = t.Write();
        File.AppendAllText(Path.Combine(dir, "task_usage", "part-00000-of-00001.csv"), "600000000,abc,1,0,10,0.5,0.1\n");

        var (code, _, err) = Run("run", "--trace", dir, "--out", Path.Combine(dir, "out"), "--quiet");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("part-00000-of-00001.csv:2: column 2", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Run_WhenAGzipPartIsCorrupt_ExitsTwo()
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 2).Usage(600, 900, 1, 0, 10, cpu: 0.5);
        string dir = t.Write(gzip: true);
        File.WriteAllBytes(Path.Combine(dir, "task_usage", "part-00000-of-00001.csv.gz"), [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

        var (code, _, err) = Run("run", "--trace", dir, "--out", Path.Combine(dir, "out"), "--quiet");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("task_usage", err);
    }

    [Fact]
    public void Synth_RejectsNonPositiveMachines()
    {
        var (code, _, err) = Run("synth", "--machines", "0", "--out", _dir);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--machines", err);
    }

    [Fact]
    public void Help_IsAvailableOnEveryCommand()
    {
        foreach (string[] args in new[] { new[] { "--help" }, ["synth", "--help"], ["run", "--help"], ["sweep", "--help"] })
        {
            var (code, output, _) = Run(args);
            Assert.Equal(0, code);
            Assert.Contains("Usage", output);
        }
    }

    [Fact]
    [Trait("Category", "in-process")]
    public void SynthThenRun_WritesSummaryPerStepPlotsAndReport()
    {
        string trace = Path.Combine(_dir, "trace");
        string output = Path.Combine(_dir, "out");
        Assert.Equal(0, Run("synth", "--machines", "16", "--days", "0.25", "--out", trace, "--seed", "9").Code);

        var (code, stdout, err) = Run("run", "--trace", trace, "--out", output, "--quiet");

        Assert.True(code == 0, err);
        Assert.Contains("simulated 72 steps x 16 machines x 7 policies", stdout);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        JsonElement root = summary.RootElement;
        Assert.Equal(["none", "all-be", "balanced", "least-tasks", "random", "lc-harm", "oracle"],
            root.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        string[] keys = ["name", "meanUtilization", "meanGini", "lcViolations", "lcCpuSecondsLost", "beCpuSecondsServed",
            "meanSteal", "p95Steal", "migrations", "bytesMoved", "memoryMoved", "stealCpuSeconds", "beCpuSecondsLostToMigration",
            "avoidableLcLossRemoved", "avoidableStealRemoved"];
        Assert.Equal(keys, root.GetProperty("policies")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(72, root.GetProperty("steps").GetInt32());
        Assert.Equal(16, root.GetProperty("machines").GetInt32());
        Assert.True(root.GetProperty("rowsRead").GetInt64() > 0);
        foreach (string k in new[] { "endBeforeStart", "noTaskEvent", "outsideMachines", "missingMachine" })
        {
            Assert.True(root.GetProperty("anomalies").TryGetProperty(k, out _), k);
        }

        string[] perStep = File.ReadAllLines(Path.Combine(output, "per_step.csv"));
        Assert.Equal(PerStepCsvWriter.Header, perStep[0]);
        Assert.Equal("time_seconds,policy,utilization,gini,lc_violations,mean_steal,migrations", perStep[0]);
        Assert.Equal(1 + (72 * 7), perStep.Length);
        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        foreach (string png in new[] { "utilization.png", "bars-mean-utilization.png", "gini.png" })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(output, png));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
            Assert.Contains($"]({png})", report);
        }

        Assert.Contains("| least-tasks |", report);
        Assert.Contains("| oracle |", report);
        Assert.Contains("unavoidable", report);
        Assert.True(root.TryGetProperty("noneLcLoss", out _));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
