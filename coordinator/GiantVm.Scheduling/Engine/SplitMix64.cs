namespace GiantVm.Scheduling.Engine;

/// <summary>The random mode's generator: SplitMix64, whose whole state is one ulong kept in <see cref="DecisionState"/>.</summary>
internal struct SplitMix64(ulong state)
{
    public ulong State { get; private set; } = state;

    public ulong Next()
    {
        State += 0x9E3779B97F4A7C15UL;
        var z = State;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)(Next() % (ulong)n);
}
