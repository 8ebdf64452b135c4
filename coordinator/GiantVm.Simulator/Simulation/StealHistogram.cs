namespace GiantVm.Simulator.Simulation;

/// <summary>
/// Steal ratios (0..1) counted in 2^20 bins so that percentiles need memory independent of the
/// run length; a percentile is the lower edge of the bin holding the nearest-rank sample
/// (within 1e-6 of the exact value).
/// </summary>
internal sealed class StealHistogram
{
    private const int Bins = 1 << 20;
    private readonly int[] _counts = new int[Bins + 1];

    public long Count { get; private set; }

    public void Add(double steal)
    {
        int bin = steal <= 0 ? 0 : steal >= 1 ? Bins : (int)(steal * Bins);
        _counts[bin]++;
        Count++;
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="p"/> of the samples at or below it.</summary>
    public double Percentile(double p)
    {
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(p * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return (double)i / Bins;
            }
        }

        return 1;
    }
}
