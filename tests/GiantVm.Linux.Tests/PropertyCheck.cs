using FsCheck;
using FsCheck.Fluent;

namespace GiantVm.Linux.Tests;

/// <summary>
/// Runs FsCheck properties from plain xunit [Fact]s (FsCheck.Xunit.v3 needs xunit v3 4.x); a
/// failing property throws with the shrunk counterexample.
/// </summary>
internal static class PropertyCheck
{
    public static void For<T>(Gen<T> gen, Func<T, bool> property, int maxTest = 300) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(gen.ToArbitrary(), property));

    public static Gen<CpuTimes> CpuTimes =>
        ArbMap.Default.GeneratorFor<uint>().ArrayOf(10).Select(a => new CpuTimes(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]));
}
