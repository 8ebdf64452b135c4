using System.Text.Json;
using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using GiantVm.Simulator.Output;
using GiantVm.Simulator.Simulation;
using GiantVm.Simulator.Synth;

namespace GiantVm.Simulator.Tests;

public sealed class SnapshotDumpTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "giantvm-sim-dump-" + Guid.NewGuid().ToString("N"));

    [Fact]
    [Trait("Category", "in-process")]
    public void DumpedSnapshots_ReplayedThroughDecide_GiveTheSameDecisions()
    {
        string trace = Path.Combine(_dir, "trace");
        string dump = Path.Combine(_dir, "dump");
        new SyntheticTraceWriter(new SynthOptions(24, 0.5, trace, Seed: 3)).Write();
        IReadOnlyList<EnginePolicy> policies = PolicySet.Load(["all-be", "balanced"], out _)!.Cast<EnginePolicy>().ToArray();
        SimulationResult result;
        using (var sink = new SnapshotDumpWriter(dump, policies.Count))
        {
            result = SimulationRunner.Run(trace, new SimulationOptions(), policies, sink);
        }

        Assert.True(result.Policies.Sum(p => p.Migrations) > 0, "the scenario should make the policies move something");
        int replayedDecisions = 0;
        foreach (EnginePolicy policy in policies)
        {
            string[] snapshotFiles = Directory.GetFiles(Path.Combine(dump, policy.Name), "instance-*.jsonl")
                .Where(f => !f.EndsWith(".decisions.jsonl", StringComparison.Ordinal)).Order().ToArray();
            Assert.Equal(6, snapshotFiles.Length); // 24 machines / 4
            foreach (string file in snapshotFiles)
            {
                IReadOnlyList<Snapshot> series = SnapshotJson.ReadSeries(File.ReadAllText(file), file);
                string[] expected = File.ReadAllLines(file.Replace(".jsonl", ".decisions.jsonl", StringComparison.Ordinal));
                Assert.Equal(result.Steps, series.Count);
                Assert.Equal(series.Count, expected.Length);
                DecisionState state = DecisionState.Empty;
                for (int i = 0; i < series.Count; i++)
                {
                    DecideResult r = DecisionEngine.Decide(series[i], policy.Policy, state);
                    state = r.State;
                    Assert.Equal(Moves(expected[i]), r.Decisions.Select(d => (d.Pid, d.From, d.To)).ToArray());
                    replayedDecisions += r.Decisions.Count;
                }
            }
        }

        Assert.Equal(result.Policies.Sum(p => p.Migrations), replayedDecisions);
    }

    private static (int Pid, int From, int To)[] Moves(string line)
    {
        using JsonDocument doc = JsonDocument.Parse(line);
        return doc.RootElement.GetProperty("decisions").EnumerateArray()
            .Select(d => (d.GetProperty("pid").GetInt32(), d.GetProperty("from").GetInt32(), d.GetProperty("to").GetInt32()))
            .ToArray();
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
