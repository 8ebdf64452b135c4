using BenchmarkDotNet.Attributes;
using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Benchmarks;

/// <summary>
/// One decision round for 64 nodes (16 vCPUs each) and 10,000 BE tasks (target: under 5 ms per
/// round), with 8 hot nodes: each moving mode with the shipped caps, the predicted signal on, and
/// an uncapped balanced round that keeps planning moves until the hot nodes are expected cool.
/// </summary>
[MemoryDiagnoser]
public class SchedulingBenchmarks
{
    private const int Nodes = 64;
    private const int Tasks = 10_000;

    private Snapshot _snapshot = Snapshot.Empty;
    private DecisionState _state = DecisionState.Empty;
    private Policy _balanced = Policy.Default;
    private Policy _allBe = Policy.Default;
    private Policy _leastTasks = Policy.Default;
    private Policy _uncapped = Policy.Default;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var nodes = Enumerable.Range(0, Nodes).Select(id => new NodeSnapshot(id, id % 8 == 0 ? 0.3 + (random.NextDouble() * 0.3) : random.NextDouble() * 0.1)
        {
            HostLcBusyCores = random.NextDouble() * 16,
            HostCapacityCores = 16,
            Cpus = $"{id * 16}-{(id * 16) + 15}",
            MemTotalBytes = 64L << 30,
            MemFreeBytes = 32L << 30,
            AgeSeconds = 1,
        }).ToList();
        var tasks = Enumerable.Range(1, Tasks).Select(pid => new TaskSnapshot(pid, random.Next(Nodes))
        {
            StartTime = (ulong)pid,
            Comm = "be",
            RssBytes = random.Next(10, 500) << 20,
            CpuCores = random.NextDouble() * 0.15, // ~750 cores of BE demand on 64 hosts of 16 cores
        }).ToList();
        _snapshot = new Snapshot(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), nodes, tasks);
        _balanced = Policy.Default with { Predicted = true };
        _allBe = Policy.Default with { Mode = PolicyMode.AllBe };
        _leastTasks = Policy.Default with { Mode = PolicyMode.LeastTasks };
        _uncapped = Policy.Default with { MaxPerRound = Tasks, MaxPerNodePerRound = Tasks, MaxPerMinute = Tasks, Predicted = true };
        _state = DecisionState.Sustained(_snapshot, _balanced);
    }

    [Benchmark(Baseline = true)]
    public int DecideBalanced64x10k() => DecisionEngine.Decide(_snapshot, _balanced, _state).Decisions.Count;

    [Benchmark]
    public int DecideAllBe64x10k() => DecisionEngine.Decide(_snapshot, _allBe, _state).Decisions.Count;

    [Benchmark]
    public int DecideLeastTasks64x10k() => DecisionEngine.Decide(_snapshot, _leastTasks, _state).Decisions.Count;

    [Benchmark]
    public int DecideBalancedUncapped64x10k() => DecisionEngine.Decide(_snapshot, _uncapped, _state).Decisions.Count;
}
