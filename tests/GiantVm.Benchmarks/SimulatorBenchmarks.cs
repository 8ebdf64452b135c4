using System.Text;
using BenchmarkDotNet.Attributes;
using GiantVm.Scheduling.Cluster;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Benchmarks;

/// <summary>
/// The simulator's per-row and per-step hot paths: parsing a task_usage line, and the per-host
/// model plus Gini over an 800-machine step. End-to-end throughput is scripts/bench.d/sim.sh.
/// </summary>
[MemoryDiagnoser]
public class SimulatorBenchmarks
{
    private readonly byte[] _lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 1000).Select(i =>
        $"{600000000 + (i * 1000)},{900000000 + (i * 1000)},6000000{i % 97},{i % 13},{88983 + i},0.0{i % 9}338,0.04007,0.04408,0.00040,0.00200,0.04808,0.00012,0.00031,0.15008,0.00210,1.53000,0.00094,1.00000,0,0.08338\n")));

    private readonly double[] _capacity = Enumerable.Range(0, 800).Select(i => i % 10 == 0 ? 0.25 : i % 5 == 0 ? 1.0 : 0.5).ToArray();
    private readonly double[] _lc = Enumerable.Range(0, 800).Select(i => (i % 17) / 40.0).ToArray();
    private readonly double[] _be = Enumerable.Range(0, 800).Select(i => (i % 23) / 30.0).ToArray();
    private readonly double[] _u = new double[800];

    /// <summary>1000 task_usage lines parsed per invocation.</summary>
    [Benchmark]
    public double ParseUsageLines()
    {
        ReadOnlySpan<byte> data = _lines;
        double sum = 0;
        while (!data.IsEmpty)
        {
            int nl = data.IndexOf((byte)'\n');
            sum += UsageFeeder.Parse(data[..nl], "bench", 0).Cpu;
            data = data[(nl + 1)..];
        }

        return sum;
    }

    /// <summary>One step of 800 hosts: CFS sharing, steal, utilization, then the Gini coefficient.</summary>
    [Benchmark]
    public double HostModelAndGini800()
    {
        HostCpuModel model = HostCpuModel.Default;
        double steal = 0;
        for (int m = 0; m < _capacity.Length; m++)
        {
            HostStep h = model.Evaluate(_capacity[m], _lc[m], _be[m]);
            _u[m] = h.Utilization;
            steal += h.StealRatio;
        }

        return steal + GiniCoefficient.OfInPlace(_u);
    }
}
