namespace GiantVm.Common;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood): a small deterministic generator whose whole state is one
/// <see cref="ulong"/>, so the same seed gives the same numbers on every platform and runtime.
/// The decision core's random mode keeps <see cref="State"/> between rounds; the synthetic
/// trace draws its distributions from <see cref="NextDouble"/>. A mutable struct: keep it in a
/// field (not a readonly one) or a local.
/// </summary>
public struct SplitMix64(ulong state)
{
    /// <summary>The state after the last draw; a new generator from it continues the sequence.</summary>
    public ulong State { get; private set; } = state;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        State += 0x9E3779B97F4A7C15UL;
        var z = State;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n), as the next 64 bits modulo n.</summary>
    public int Next(int n) => (int)(Next() % (ulong)n);

    /// <summary>Uniform in [0, 1), from the top 53 bits of the next draw.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
