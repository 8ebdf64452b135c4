using GiantVm.Scheduling.Cluster;

namespace GiantVm.Scheduling.Tests.Cluster;

public sealed class OracleBoundTests
{
    private const double Inf = double.PositiveInfinity;

    /// <summary>
    /// Hand-derived optima. Each row: VM weight, vCPU ratio, nodes as "C:L:limit" (limit "inf" =
    /// no memory limit), BE demand D, the least LC loss and the least steal at that loss (CPU).
    /// </summary>
    public static TheoryData<string, double, double, string, double, double, double> Cases => new()
    {
        // The host: LC 0.9 of 1 core, 0.6 of guest demand on it loses 0.4 LC and shows
        // only 0.1 steal. The other node has 0.8 free (LC 0.2 is under its share 0.5): no loss, no steal.
        { "issue example", 1, 1, "1:0.9:inf 1:0.2:inf", 0.6, 0, 0 },
        // Same, but memory lets the cool node take only 0.3: 0.1 free on the hot node, then the
        // remaining 0.2 costs LC 1:1 (0.3 <= sV 0.5, no steal).
        { "memory-limited target", 1, 1, "1:0.9:inf 1:0.2:0.3", 0.6, 0.2, 0 },
        // Two hot nodes (L 0.9 > sL 0.5) and 1.0 of demand: splitting 0.5/0.5 loses 0.8; the best
        // is 0.1 (free) on one and 0.9 on the other, whose LC is capped at its share (loss 0.4)
        // and whose guest gets sV 0.5 of 0.9 (steal 0.4).
        { "CFS cap: concentrate", 1, 1, "1:0.9:inf 1:0.9:inf", 1.0, 0.4, 0.4 },
        // wV 3 (sL 0.25, sV 0.75): free 0.4 + 0.4 + 0.9 = 1.7 < 2.0; the last 0.3 on the cool node
        // (L 0.1 < sL) past V = 1 costs steal V - (C - L) = 0.1 and no LC.
        { "vm weight 3", 3, 1, "1:0.6:inf 1:0.6:inf 1:0.1:inf", 2.0, 0, 0.1 },
        // Same with the cool node's memory limited to 1.0 CPU: 1.0 more on the two hot nodes
        // beyond their free 0.4 each costs LC 1:1 (0.2 over), steal 0.1 on the cool node.
        { "vm weight 3, memory", 3, 1, "1:0.6:inf 1:0.6:inf 1:0.1:1.0", 2.0, 0.2, 0.1 },
        // Four nodes: free 0.1 + 0.1 + 0.8 + 0.7 = 1.7 < 2.0; 0.3 more past V on node 2 costs steal 0.2.
        { "four nodes", 1, 1, "1:0.9:inf 1:0.9:inf 1:0.2:inf 1:0.3:inf", 2.0, 0, 0.2 },
        // vCPU ratio 0.5 (V 0.5): guest demand above V is not served and not stolen; LC 0.9 loses
        // at most the part of G = 0.5 over C - L = 0.1 => demand anywhere costs at most 0.4 on a
        // hot node; a node with L 0.4 takes 0.5 with loss 0 and steal 0 (0.4 + 0.5 <= 1).
        { "vcpu ratio 0.5", 1, 0.5, "1:0.9:inf 1:0.4:inf", 3.0, 0, 0 },
        // Everything fits with room: no loss, no steal.
        { "idle", 1, 1, "1:0.1:inf 0.5:0.1:inf 0.25:0:inf", 0.9, 0, 0 },
        // No BE demand: nothing to place (LC over capacity is lost whatever BE does: 0.2).
        { "lc over capacity", 1, 1, "1:1.2:inf 1:0:inf", 0, 0.2, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Place_FindsTheHandDerivedOptimum(string name, double vmWeight, double vcpuRatio, string nodeText, double demand, double loss, double steal)
    {
        _ = name;
        var model = new HostCpuModel(vcpuRatio, vmWeight);
        OracleNode[] nodes = Parse(nodeText);
        var placement = new double[nodes.Length];

        OracleResult result = OracleBound.Place(model, nodes, demand, placement);

        Assert.Equal(loss, result.LcLost, 9);
        Assert.Equal(steal, result.Stolen, 9);
        Assert.Equal(demand, placement.Sum(), 9);
        for (int m = 0; m < nodes.Length; m++)
        {
            Assert.True(placement[m] >= 0 && placement[m] <= nodes[m].BeCpuLimit + 1e-9, $"node {m} gets {placement[m]}");
        }

        OracleResult again = OracleBound.Cost(model, nodes, placement);
        Assert.Equal(result, again);
    }

    /// <summary>
    /// The oracle is never worse than any placement on a fine grid (a lower bound), and the grid's
    /// best is within a grid step of it (tight), over random 3-node instances and models.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Place_IsNoWorseThanAnyGridPlacement_AndTight(int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var model = new HostCpuModel(random.Next(2) == 0 ? 1.0 : 1.5, new[] { 0.5, 1.0, 3.0 }[random.Next(3)]);
            OracleNode[] nodes = Enumerable.Range(0, 3)
                .Select(_ => new OracleNode(new[] { 0.5, 1.0 }[random.Next(2)], Math.Round(random.NextDouble(), 2), random.Next(3) == 0 ? Math.Round(random.NextDouble() + 0.5, 2) : Inf))
                .ToArray();
            double demand = Math.Round(random.NextDouble() * 2.5, 2);
            var placement = new double[3];
            OracleResult oracle = OracleBound.Place(model, nodes, demand, placement);

            const double step = 0.01;
            double bestLoss = Inf;
            int n = (int)Math.Round(demand / step);
            for (int a = 0; a <= n; a++)
            {
                for (int b = 0; a + b <= n; b++)
                {
                    double[] d = [a * step, b * step, demand - ((a + b) * step)];
                    if (d.Select((x, i) => x <= nodes[i].BeCpuLimit + 1e-12).All(ok => ok))
                    {
                        bestLoss = Math.Min(bestLoss, OracleBound.Cost(model, nodes, d).LcLost);
                    }
                }
            }

            Assert.True(oracle.LcLost <= bestLoss + 1e-9, $"trial {trial}: oracle {oracle.LcLost} > grid {bestLoss}");
            Assert.True(bestLoss <= oracle.LcLost + (3 * step) + 1e-9, $"trial {trial}: grid {bestLoss} far above oracle {oracle.LcLost}");
        }
    }

    [Theory]
    // densest first: (0.4, 0.2) fits, then 0.15 of (0.3, 0.3)'s 0.3 memory: 0.4 + 0.15
    [InlineData(0.35, 0.55)]
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, 0.8)]
    [InlineData(0.2, 0.4)]
    public void CpuThatFits_TakesTheDensestTasksFirst(double memory, double cpu)
    {
        (double, double)[] tasks = [(0.1, 0.5), (0.3, 0.3), (0.4, 0.2)];
        OracleBound.SortByDensity(tasks);

        Assert.Equal(cpu, OracleBound.CpuThatFits(tasks, memory), 12);
    }

    [Fact]
    public void CpuThatFits_TasksWithoutMemoryAlwaysFit()
    {
        (double, double)[] tasks = [(0.3, 0.3), (0.2, 0)];
        OracleBound.SortByDensity(tasks);

        Assert.Equal(0.2, OracleBound.CpuThatFits(tasks, 0), 12);
    }

    private static OracleNode[] Parse(string text) =>
        text.Split(' ').Select(n =>
        {
            string[] f = n.Split(':');
            return new OracleNode(double.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture),
                f[2] == "inf" ? Inf : double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture));
        }).ToArray();
}
