using FsCheck.Fluent;
using GiantVm.Linux.Deltas;

namespace GiantVm.Linux.Tests.Deltas;

public class CpuDeltasTests
{
    private static readonly CpuDeltaRules Rules = new(UserHz: 100, Tolerance: 0.10, SlackTicks: 2);

    private static ProcStat Stat(params (int Cpu, CpuTimes Times)[] cpus) =>
        new(default, [.. cpus.Select(c => new CpuLine(c.Cpu, c.Times))], null);

    private static CpuTimes T(ulong user = 0, ulong system = 0, ulong idle = 0, ulong steal = 0, ulong iowait = 0) =>
        new(user, 0, system, idle, iowait, 0, 0, steal, 0, 0);

    [Fact]
    public void Compute_NegativeFieldDelta_IsClampedToZero()
    {
        var d = CpuDeltas.Compute(Stat((0, T(user: 100, idle: 500, steal: 50))), Stat((0, T(user: 150, idle: 540, steal: 40))), 1, Rules);
        Assert.Equal(T(user: 50, idle: 40, steal: 0), d.Valid[0]);
    }

    [Fact]
    public void Compute_TotalAboveElapsedTimesHz_IsDiscarded()
    {
        var d = CpuDeltas.Compute(
            Stat((0, T(idle: 0)), (1, T(idle: 0)), (2, T(idle: 0))),
            Stat((0, T(idle: 112)), (1, T(idle: 113)), (2, T(user: 5000))),
            1,
            Rules);
        Assert.Equal([0], d.Valid.Keys.Order());
        Assert.Equal([1, 2], d.Discarded);
    }

    [Fact]
    public void Compute_CpusAppearingAndDisappearing_AreListedAndLeftOut()
    {
        var d = CpuDeltas.Compute(
            Stat((0, T(idle: 0)), (1, T(idle: 0)), (3, T(idle: 0))),
            Stat((0, T(idle: 100)), (2, T(idle: 100)), (3, T(idle: 100))),
            1,
            Rules);
        Assert.Equal([0, 3], d.Valid.Keys.Order());
        Assert.Equal([2], d.Appeared);
        Assert.Equal([1], d.Disappeared);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Compute_NonPositiveElapsed_IsRefused(double elapsed) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuDeltas.Compute(Stat(), Stat(), elapsed, Rules));

    [Fact]
    public void NodeRatios_SumOverTheNodesCpus()
    {
        var deltas = CpuDeltas.Compute(
            Stat((0, T()), (1, T()), (2, T())),
            Stat((0, T(user: 50, idle: 30, steal: 20)), (1, T(user: 10, idle: 90)), (2, T(user: 100))),
            1,
            Rules);
        var topo = new NumaTopology([
            new NumaNode(0, [0, 1], MemInfo.Parse("MemTotal: 1 kB\n")),
            new NumaNode(1, [2], MemInfo.Parse("MemTotal: 1 kB\n")),
            new NumaNode(2, [], MemInfo.Parse("MemTotal: 1 kB\n")),
        ]);
        var r = NodeCpuRatios.Compute(deltas, topo);
        Assert.Equal(20.0 / 200, r[0].StealRatio);
        Assert.Equal(60.0 / 200, r[0].BusyRatio);
        Assert.Equal(0.0, r[1].StealRatio);
        Assert.Equal(1.0, r[1].BusyRatio);
        Assert.Null(r[2].StealRatio); // memory-only node
        Assert.Equal(0, r[2].CpusCounted);
    }

    [Fact]
    public void BusyCores_IsBusyShareTimesValidCpus()
    {
        var deltas = CpuDeltas.Compute(Stat((0, T()), (1, T())), Stat((0, T(user: 100)), (1, T(idle: 100))), 1, Rules);
        Assert.Equal(1.0, NodeCpuRatios.BusyCores(deltas));
    }

    [Fact]
    public void Compute_EveryCpuLandsInExactlyOneBucket_AndValidOnesArePossible() =>
        PropertyCheck.For(
            from before in PropertyCheck.CpuTimes.ArrayOf()
            from after in PropertyCheck.CpuTimes.ArrayOf()
            from tenths in Gen.Choose(1, 100)
            select (before, after, elapsed: tenths / 10.0),
            t =>
            {
                var b = Stat([.. t.before.Select((x, i) => (i * 2, x))]);   // even ids
                var a = Stat([.. t.after.Select((x, i) => (i * 3, x))]);    // multiples of 3: overlap, appear, disappear
                var d = CpuDeltas.Compute(b, a, t.elapsed, Rules);
                var all = b.Cpus.Select(c => c.Cpu).Union(a.Cpus.Select(c => c.Cpu)).Order();
                var buckets = d.Valid.Keys.Concat(d.Discarded).Concat(d.Appeared).Concat(d.Disappeared).Order();
                return all.SequenceEqual(buckets) && d.Valid.Values.All(v => v.Total <= Rules.MaxTotalTicks(t.elapsed));
            });

    [Fact]
    public void Compute_GrowthWithinElapsedTime_IsNeverDiscarded() =>
        PropertyCheck.For(
            from ticks in Gen.Choose(0, 100).ArrayOf(8).ArrayOf()
            select ticks,
            growth =>
            {
                // each CPU grows by at most 100 ticks split over its columns: possible in 1 s at 100 Hz
                var before = Stat([.. growth.Select((_, i) => (i, default(CpuTimes)))]);
                var after = Stat([.. growth.Select((g, i) => (i, Split(g, 100)))]);
                return CpuDeltas.Compute(before, after, 1.0, Rules).Discarded.Count == 0;
            });

    [Fact]
    public void ClampedDelta_EqualsTheDifferenceWhenGrowing_AndZeroWhenShrinking() =>
        PropertyCheck.For(
            from before in PropertyCheck.CpuTimes
            from after in PropertyCheck.CpuTimes
            select (before, after),
            t =>
            {
                var d = CpuTimes.ClampedDelta(t.before, t.after);
                return d.User == (t.after.User >= t.before.User ? t.after.User - t.before.User : 0)
                    && d.Steal == (t.after.Steal >= t.before.Steal ? t.after.Steal - t.before.Steal : 0)
                    && d.Idle <= t.after.Idle;
            });

    [Fact]
    public void NodeRatios_AreBetweenZeroAndOne_AndStealPlusBusyAtMostOne() =>
        PropertyCheck.For(
            PropertyCheck.CpuTimes.ArrayOf(),
            growth =>
            {
                var before = Stat([.. growth.Select((_, i) => (i, default(CpuTimes)))]);
                var after = Stat([.. growth.Select((g, i) => (i, g))]);
                var deltas = CpuDeltas.Compute(before, after, 1e9, Rules); // nothing is impossible over 1e9 s
                var mem = MemInfo.Parse("MemTotal: 1 kB\n");
                var topo = new NumaTopology([
                    new NumaNode(0, [.. Enumerable.Range(0, growth.Length).Where(i => i % 2 == 0)], mem),
                    new NumaNode(1, [.. Enumerable.Range(0, growth.Length).Where(i => i % 2 == 1)], mem),
                ]);
                return NodeCpuRatios.Compute(deltas, topo).All(r =>
                    r.StealRatio is null || (r.StealRatio >= 0 && r.StealRatio <= 1 && r.BusyRatio >= 0 && r.BusyRatio <= 1 && r.StealRatio + r.BusyRatio <= 1 + 1e-12));
            });

    private static CpuTimes Split(int[] weights, int total)
    {
        var sum = Math.Max(1, weights.Sum());
        var c = weights.Select(w => (ulong)(w * total / sum)).ToArray();
        return new CpuTimes(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], 0, 0);
    }
}
