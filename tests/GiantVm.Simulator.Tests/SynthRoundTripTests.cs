using GiantVm.Simulator.Simulation;
using GiantVm.Simulator.Synth;
using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Tests;

public sealed class SynthRoundTripTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "giantvm-sim-synth-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Synth_WritesThePublishedLayoutWithoutHeaders()
    {
        new SyntheticTraceWriter(new SynthOptions(8, 0.25, _dir) { StepsPerPart = 24 }).Write();

        TraceFiles files = TraceFiles.At(_dir);
        Assert.Equal(["part-00000-of-00001.csv.gz"], files.Parts(TraceTable.MachineEvents).Select(Path.GetFileName));
        Assert.Equal(["part-00000-of-00003.csv.gz", "part-00001-of-00003.csv.gz", "part-00002-of-00003.csv.gz"],
            files.Parts(TraceTable.TaskUsage).Select(Path.GetFileName));
        string firstUsage = ReadLines(files.Parts(TraceTable.TaskUsage)[0]).First();
        Assert.Equal(20, firstUsage.Split(',').Length);
        Assert.True(long.TryParse(firstUsage.Split(',')[0], out _), "no header row");
        Assert.Equal(13, ReadLines(files.Parts(TraceTable.TaskEvents)[0]).First().Split(',').Length);
        Assert.Equal(6, ReadLines(files.Parts(TraceTable.MachineEvents)[0]).First().Split(',').Length);
    }

    [Fact]
    public void Synth_IsDeterministicForASeed()
    {
        string a = Path.Combine(_dir, "a");
        string b = Path.Combine(_dir, "b");
        string c = Path.Combine(_dir, "c");
        new SyntheticTraceWriter(new SynthOptions(6, 0.1, a, Seed: 42)).Write();
        new SyntheticTraceWriter(new SynthOptions(6, 0.1, b, Seed: 42)).Write();
        new SyntheticTraceWriter(new SynthOptions(6, 0.1, c, Seed: 43)).Write();

        string usage = Path.Combine("task_usage", "part-00000-of-00002.csv.gz");
        Assert.Equal(ReadLines(Path.Combine(a, usage)), ReadLines(Path.Combine(b, usage)));
        Assert.NotEqual(ReadLines(Path.Combine(a, usage)), ReadLines(Path.Combine(c, usage)));
    }

    [Fact]
    [Trait("Category", "in-process")]
    public void SynthThenRun_ReadsEveryRowAndCountsTheInjectedAnomalies()
    {
        var writer = new SyntheticTraceWriter(new SynthOptions(60, 0.5, _dir, Seed: 5));
        writer.Write();
        var steps = new List<StepRecord>();

        SimulationResult result = SimulationRunner.Run(
            _dir, new SimulationOptions { Machines = 48 }, [new ScriptedPolicy("p")], null, steps.Add);

        Assert.Equal(writer.UsageRows, result.RowsRead);
        Assert.Equal(48, result.Machines);
        Assert.Equal(144, result.Steps); // 0.5 day of 300 s steps
        Assert.Equal(144, steps.Count);
        Assert.True(result.Anomalies.EndBeforeStart > 0);
        Assert.True(result.Anomalies.MissingMachine > 0);
        Assert.True(result.Anomalies.NoTaskEvent > 0);
        Assert.True(result.Anomalies.OutsideMachines > 0); // 12 machines beyond --machines 48
        Assert.Equal(0, result.Anomalies.LateRows);
        double meanUtilization = result.Policies[0].MeanUtilization;
        Assert.InRange(meanUtilization, 0.2, 0.9);
    }

    private static List<string> ReadLines(string gz)
    {
        using var stream = new System.IO.Compression.GZipStream(File.OpenRead(gz), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
