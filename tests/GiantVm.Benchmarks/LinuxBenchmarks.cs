using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using GiantVm.Linux.Tests.Fixtures;
using GiantVm.NodeAgent.Probe;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.Benchmarks;

/// <summary>
/// One guest sample (TakeSample: /proc/stat, topology, BE selection by cgroup, stat + status
/// [+ numa_maps] of every BE task) of the generated 64-CPU, 8-node guest with 500 BE tasks, and
/// the pure report computation over two samples. Target: a sample under 5 ms of CPU time without
/// numa_maps. Two in-process jobs: "thread-cpu" measures with <see cref="ThreadCpuClock"/> (CPU
/// time per sample, what the target is about, robust on a busy machine) and "wall" with the
/// usual stopwatch.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Jobs))]
public class LinuxBenchmarks
{
    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithClock(ThreadCpuClock.Instance).WithId("thread-cpu"));
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("wall"));
        }
    }

    private const int Tasks = 500;
    private FakeTree? _a;
    private FakeTree? _b;
    private GuestSampler? _withMaps;
    private GuestSampler? _withoutMaps;
    private GuestSample? _sampleA;
    private GuestSample? _sampleB;

    [GlobalSetup]
    public void Setup()
    {
        _a = GuestTrees.EightNode.Create('a', Tasks);
        _b = GuestTrees.EightNode.Create('b', Tasks);
        _withMaps = Sampler(_b, numaMaps: true);
        _withoutMaps = Sampler(_b, numaMaps: false);
        _sampleA = Sampler(_a, numaMaps: true).TakeSample() with { TimeSeconds = 0 };
        _sampleB = _withMaps.TakeSample() with { TimeSeconds = 1 };
        if (_sampleB.Tasks.Count != Tasks)
        {
            throw new InvalidOperationException($"expected {Tasks} BE tasks, sampled {_sampleB.Tasks.Count}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a?.Dispose();
        _b?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "guest sample, 500 BE tasks, without numa_maps")]
    public object SampleWithoutNumaMaps() => _withoutMaps!.TakeSample();

    [Benchmark(Description = "guest sample, 500 BE tasks, with numa_maps")]
    public object SampleWithNumaMaps() => _withMaps!.TakeSample();

    [Benchmark(Description = "guest report from two samples (pure)")]
    public object Compute() => _withMaps!.Compute(_sampleA!, _sampleB!);

    private static GuestSampler Sampler(FakeTree tree, bool numaMaps) => SamplerFactory.Guest(
        new ProbeSettings("guest", 0, tree.Proc, tree.Sys, null, TimeSpan.FromSeconds(1), false, "be", null, null, numaMaps, null, null, null, false),
        TimeProvider.System);
}
