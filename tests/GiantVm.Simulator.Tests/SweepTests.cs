using GiantVm.Simulator.Cli;
using GiantVm.Simulator.Output;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Tests;

public sealed class SweepTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "giantvm-sim-sweep-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("be-scale=0.5,1,2", "be-scale", 3)]
    [InlineData("vm-weight=0.5, 1 ,4", "vm-weight", 3)]
    [InlineData("vcpu-ratio=1.5", "vcpu-ratio", 1)]
    [InlineData("migrate-bandwidth=0,100MiB,1GiB/s", "migrate-bandwidth", 3)]
    [InlineData("group-size=2,4,8", "group-size", 3)]
    public void TryParse_AcceptsEveryParameter(string text, string name, int values)
    {
        SweepParameter? p = SweepParameter.TryParse(text, out string? error);

        Assert.Null(error);
        Assert.Equal(name, p!.Name);
        Assert.Equal(values, p.Values.Count);
    }

    [Theory]
    [InlineData("be-scale", "expected NAME=V1,V2")]
    [InlineData("=1,2", "expected NAME=V1,V2")]
    [InlineData("speed=1,2", "unknown parameter 'speed'")]
    [InlineData("be-scale=", "no values")]
    [InlineData("be-scale=,", "no values")]
    [InlineData("be-scale=1,x", "'x' is not a number >= 0")]
    [InlineData("be-scale=1,", "'' is not a number >= 0")]
    [InlineData("vm-weight=0", "'0' is not a number > 0")]
    [InlineData("group-size=2.5", "'2.5' is not a whole number >= 1")]
    [InlineData("group-size=0", "'0' is not a whole number >= 1")]
    [InlineData("migrate-bandwidth=fast", "'fast' is not a bandwidth")]
    [InlineData("be-scale=1,1", "given twice")]
    public void TryParse_RejectsBadInputWithOneLine(string text, string message)
    {
        SweepParameter? p = SweepParameter.TryParse(text, out string? error);

        Assert.Null(p);
        Assert.Contains(message, error);
        Assert.DoesNotContain('\n', error!);
    }

    [Theory]
    [InlineData("be-scale", "2", 2.0)]
    [InlineData("vm-weight", "3", 3.0)]
    [InlineData("vcpu-ratio", "1.5", 1.5)]
    [InlineData("migrate-bandwidth", "1KiB", 1024.0)]
    [InlineData("group-size", "8", 8.0)]
    public void TryApply_SetsOnlyThatParameter(string name, string value, double expected)
    {
        var p = new SweepParameter(name, [value]);
        var baseOptions = new SimulationOptions { Machines = 40 };

        Assert.True(p.TryApply(baseOptions, value, out SimulationOptions o, out _));
        double actual = name switch
        {
            "be-scale" => o.BeScale,
            "vm-weight" => o.VmWeight,
            "vcpu-ratio" => o.VcpuRatio,
            "migrate-bandwidth" => o.MigrateBandwidth,
            _ => o.GroupSize,
        };
        Assert.Equal(expected, actual);
        Assert.Equal(40, o.Machines);
    }

    [Theory]
    [InlineData("speed=1")]
    [InlineData("be-scale=")]
    [InlineData("group-size=x")]
    public void Sweep_WithABadParam_ExitsTwoWithOneLine(string param)
    {
        Directory.CreateDirectory(_dir);
        var stderr = new StringWriter();

        int code = SimCli.Run(["sweep", "--trace", _dir, "--out", _dir, "--param", param], new StringWriter(), stderr);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Single(stderr.ToString().TrimEnd().Split('\n'));
        Assert.StartsWith("giantvm-sim: --param", stderr.ToString());
    }

    /// <summary>
    /// LC 0.9 and a BE task of 0.6 on machine 10 of two, for two steps. Scale 1: none loses
    /// 0.4 x 300 x 2 = 240 CPU-s (LC capped at its share 0.5); scale 0.5 (BE 0.3 under its share):
    /// LC gets 0.7, loses 0.2 x 300 x 2 = 120. The oracle puts the demand on machine 11: 0.
    /// </summary>
    [Fact]
    public void Sweep_OverBeScale_WritesOneRowPerValueAndPolicy()
    {
        using var t = new TinyTrace().Machine(10).Machine(11).Task(1, 0, 3).Task(2, 0, 0)
            .Usage(600, 1200, 1, 0, 10, cpu: 0.9, memory: 0)
            .Usage(600, 1200, 2, 0, 10, cpu: 0.6, memory: 0.1);
        string trace = t.Write();
        string outDir = Path.Combine(_dir, "out");
        var stderr = new StringWriter();

        int code = SimCli.Run(["sweep", "--trace", trace, "--out", outDir, "--param", "be-scale=0.5,1", "--policies", "none,oracle", "--quiet"], new StringWriter(), stderr);

        Assert.True(code == 0, stderr.ToString());
        string[] lines = File.ReadAllLines(Path.Combine(outDir, "sweep.csv"));
        Assert.Equal(SweepWriter.Header, lines[0]);
        Assert.StartsWith("param,value,policy,meanUtilization,", lines[0]);
        Assert.Equal(5, lines.Length);
        string[] header = lines[0].Split(',');
        int lost = Array.IndexOf(header, "lcCpuSecondsLost");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[1], f[2]), f => double.Parse(f[lost], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(120, rows[("0.5", "none")], 6);
        Assert.Equal(240, rows[("1", "none")], 6);
        Assert.Equal(0, rows[("1", "oracle")], 9);
        Assert.True(File.Exists(Path.Combine(outDir, "runs", "0.5", "summary.json")));
        Assert.Contains("sweep-lc-cpu-seconds-lost.png", File.ReadAllText(Path.Combine(outDir, "sweep.md")));
        Assert.True(File.Exists(Path.Combine(outDir, "sweep-avoidable-lc-loss-removed.png")));
    }

    [Fact]
    public void Header_NamesTheSummaryMetricsInSummaryJsonOrder()
    {
        using var t = new TinyTrace().Machine(10).Task(1, 0, 0).Usage(600, 900, 1, 0, 10, cpu: 0.1);
        var run = SimRun.Of(t.Write(), new SimulationOptions(), new ScriptedPolicy("none"));
        using var stream = new MemoryStream();
        SummaryJsonWriter.Write(stream, run.Result);
        using var doc = System.Text.Json.JsonDocument.Parse(stream.ToArray());

        string[] keys = doc.RootElement.GetProperty("policies")[0].EnumerateObject().Select(p => p.Name).Skip(1).ToArray();
        Assert.Equal("param,value,policy," + string.Join(",", keys), SweepWriter.Header);
    }

    [Fact]
    public void Separation_NamesTheBestAndWorstDecidingPolicyAndTheWidestValue()
    {
        static SimulationResult Result(double none, double a, double b) => new(
            DecisionQuality.WithGaps([Summary("none", none), Summary("a", a), Summary("b", b), Summary("oracle", 0)]),
            1, 1, 1, new AnomalyCounts(0, 0, 0, 0, 0), null, []);

        IReadOnlyList<string> lines = SweepWriter.Separation([("1", Result(100, 90, 80)), ("2", Result(100, 50, 90))]);

        // value 1: best b (80, 20 % of the avoidable 100 removed), spread (90 - 80) / 100; value 2: best a, spread 40 %.
        Assert.Equal(3, lines.Count);
        Assert.Equal("1: best b (80 LC CPU-s lost, 20.0 % of the avoidable loss removed), worst a; spread 10.0 % of none's loss", lines[0]);
        Assert.StartsWith("2: best a (50 LC CPU-s lost, 50.0 %", lines[1]);
        Assert.Equal("the policies separate most at 2 (spread 40.0 % of none's LC loss)", lines[2]);
    }

    private static PolicySummary Summary(string name, double lost) => new(name, 0, 0, 0, lost, 0, 0, 0, 0, 0, 0);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
