using GiantVm.Common;

namespace GiantVm.Common.Tests;

public class SplitMix64Tests
{
    [Fact]
    public void Next_FromSeedZero_GivesTheReferenceSequence()
    {
        // the reference implementation's (Vigna, splitmix64.c) first outputs for seed 0
        var rng = new SplitMix64(0);

        Assert.Equal([0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL], new[] { rng.Next(), rng.Next(), rng.Next() });
    }

    [Fact]
    public void State_ContinuesTheSequenceInANewGenerator()
    {
        var a = new SplitMix64(42);
        a.Next();
        var b = new SplitMix64(a.State);

        Assert.Equal(a.Next(), b.Next());
    }

    [Fact]
    public void NextDouble_AndNextN_StayInRange()
    {
        var rng = new SplitMix64(7);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(rng.NextDouble(), 0.0, 0.9999999999999999);
            Assert.InRange(rng.Next(3), 0, 2);
        }
    }
}
