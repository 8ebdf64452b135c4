using GiantVm.Common;

namespace GiantVm.Simulator.Synth;

/// <summary>
/// The synthetic trace's random source: the distributions it needs, drawn from one
/// <see cref="SplitMix64"/>, so the same seed gives the same trace on every platform and runtime.
/// </summary>
internal sealed class TraceRandom(ulong seed)
{
    private SplitMix64 _bits = new(seed);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => _bits.NextDouble();

    public double Uniform(double lo, double hi) => lo + ((hi - lo) * NextDouble());

    public int NextInt(int maxExclusive) => (int)(NextDouble() * maxExclusive);

    public bool Chance(double p) => NextDouble() < p;

    public double Normal()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());

    /// <summary>Pareto with scale <paramref name="min"/> and shape <paramref name="alpha"/> (heavy tail).</summary>
    public double Pareto(double min, double alpha) => min / Math.Pow(1.0 - NextDouble(), 1.0 / alpha);

    /// <summary>Poisson (Knuth for small means, normal approximation above 50).</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 50)
        {
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * Normal())));
        }

        double l = Math.Exp(-mean);
        int k = 0;
        double p = 1;
        do
        {
            k++;
            p *= NextDouble();
        }
        while (p > l);
        return k - 1;
    }
}
