namespace GiantVm.Scheduling.Cluster;

/// <summary>One host of an instance as the oracle sees it in one step.</summary>
/// <param name="Capacity">C, the host's CPU capacity.</param>
/// <param name="LcDemand">L, the step's LC demand on the host (known: perfect foresight).</param>
/// <param name="BeCpuLimit">
/// The most BE CPU demand the node can take (from its memory: <see cref="OracleBound.CpuThatFits"/>);
/// <see cref="double.PositiveInfinity"/> for no limit.
/// </param>
public readonly record struct OracleNode(double Capacity, double LcDemand, double BeCpuLimit = double.PositiveInfinity);

/// <summary>The oracle's answer for one instance and step: LC CPU lost and guest CPU stolen (per second), and where the BE demand goes.</summary>
public readonly record struct OracleResult(double LcLost, double Stolen);

/// <summary>
/// The least LC CPU any placement of one step's BE demand within an instance could lose, and the
/// least steal at that loss: a lower bound for every real placement (a relaxation: BE demand is
/// divisible, each node's memory limit is turned into a CPU limit by a fractional knapsack).
/// Exact for the relaxation: per node, LC loss and stolen CPU are piecewise linear and
/// nondecreasing in the node's BE demand d (under <see cref="HostCpuModel"/>: loss 0 up to C - L,
/// slope 1 up to the guest's fair share sV (or V), then flat: a host whose LC is already capped at
/// its share loses nothing more; steal 0 up to max(C - L, sV), slope 1 up to V, then flat), so a
/// lexicographic optimum of (loss, steal) lies at a vertex of {sum d = D, piece bounds}: every
/// node but one at a breakpoint {0, C - L, sV, V, limit}. The solver tries each node as the one
/// that takes the remainder and the others' breakpoint combinations, keeping only the Pareto front
/// (more demand placed, less cost) between nodes, which is exact because costs are nondecreasing.
/// </summary>
public static class OracleBound
{
    private const double LossTolerance = 1e-12;

    /// <summary>
    /// Places <paramref name="beDemand"/> over <paramref name="nodes"/>: writes each node's BE
    /// demand into <paramref name="placement"/> and returns the total LC loss and steal (CPU).
    /// </summary>
    public static OracleResult Place(HostCpuModel model, ReadOnlySpan<OracleNode> nodes, double beDemand, Span<double> placement)
    {
        int k = nodes.Length;
        if (placement.Length < k)
        {
            throw new ArgumentException("placement is shorter than nodes", nameof(placement));
        }

        placement[..k].Clear();
        double demand = Math.Max(0, beDemand);
        if (k == 0 || demand == 0)
        {
            return Cost(model, nodes, placement);
        }

        // Fast path (most instances in most steps): the demand fits where it costs nothing.
        double left = demand;
        for (int m = 0; m < k && left > 0; m++)
        {
            double free = Math.Min(FreeUpTo(model, nodes[m]), Limit(nodes[m], demand));
            double put = Math.Min(free, left);
            placement[m] = put;
            left -= put;
        }

        if (left <= 0)
        {
            return Cost(model, nodes, placement);
        }

        double[][] breakpoints = new double[k][];
        for (int m = 0; m < k; m++)
        {
            breakpoints[m] = Breakpoints(model, nodes[m], demand);
        }

        OracleResult best = new(double.PositiveInfinity, double.PositiveInfinity);
        double[]? bestPlacement = null;
        for (int free = 0; free < k; free++)
        {
            var front = new List<Partial> { new(0, 0, 0, new double[k]) };
            for (int m = 0; m < k; m++)
            {
                if (m == free)
                {
                    continue;
                }

                var next = new List<Partial>(front.Count * breakpoints[m].Length);
                foreach (Partial p in front)
                {
                    foreach (double b in breakpoints[m])
                    {
                        if (p.Sum + b > demand * (1 + 1e-12))
                        {
                            continue;
                        }

                        HostStep h = model.Evaluate(nodes[m].Capacity, nodes[m].LcDemand, b);
                        double[] d = (double[])p.Demand.Clone();
                        d[m] = b;
                        next.Add(new Partial(p.Sum + b, p.Loss + Lost(h), p.Steal + Stolen(h), d));
                    }
                }

                front = Prune(next);
            }

            OracleNode f = nodes[free];
            double limit = Limit(f, demand);
            foreach (Partial p in front)
            {
                double rest = Math.Max(0, demand - p.Sum);
                if (rest > limit * (1 + 1e-12) + 1e-15)
                {
                    continue;
                }

                HostStep h = model.Evaluate(f.Capacity, f.LcDemand, rest);
                var cost = new OracleResult(p.Loss + Lost(h), p.Steal + Stolen(h));
                if (Better(cost, best))
                {
                    best = cost;
                    bestPlacement = (double[])p.Demand.Clone();
                    bestPlacement[free] = rest;
                }
            }
        }

        if (bestPlacement is null)
        {
            // Only when the limits together cannot hold the demand (never when they come from a
            // feasible placement): every node up to its limit, the rest on the last node.
            left = demand;
            for (int m = 0; m < k; m++)
            {
                placement[m] = m == k - 1 ? left : Math.Min(left, Limit(nodes[m], demand));
                left -= placement[m];
            }

            return Cost(model, nodes, placement);
        }

        bestPlacement.AsSpan().CopyTo(placement);
        return Cost(model, nodes, placement);
    }

    /// <summary>
    /// The most CPU that fits into <paramref name="memory"/> when tasks (cpu, memory) may be split
    /// (fractional knapsack: densest first). A relaxation of which tasks fit on a node: no real set
    /// of whole tasks within the memory has more CPU. <paramref name="byDensity"/> must be sorted
    /// by cpu / memory descending (tasks with no memory first): see <see cref="SortByDensity"/>.
    /// </summary>
    public static double CpuThatFits(ReadOnlySpan<(double Cpu, double Memory)> byDensity, double memory)
    {
        double cpu = 0;
        double room = Math.Max(0, memory);
        foreach (var (c, mem) in byDensity)
        {
            if (mem <= room)
            {
                cpu += c;
                room -= mem;
                continue;
            }

            cpu += c * (room / mem);
            break;
        }

        return cpu;
    }

    /// <summary>Sorts tasks (cpu, memory) for <see cref="CpuThatFits"/>: cpu per memory descending, no memory first.</summary>
    public static void SortByDensity(Span<(double Cpu, double Memory)> tasks) =>
        tasks.Sort(static (a, b) => Density(b).CompareTo(Density(a)));

    private static double Density((double Cpu, double Memory) t) =>
        t.Memory > 0 ? t.Cpu / t.Memory : double.PositiveInfinity;

    /// <summary>LC loss and steal of a placement under the model.</summary>
    public static OracleResult Cost(HostCpuModel model, ReadOnlySpan<OracleNode> nodes, ReadOnlySpan<double> placement)
    {
        double loss = 0;
        double steal = 0;
        for (int m = 0; m < nodes.Length; m++)
        {
            HostStep h = model.Evaluate(nodes[m].Capacity, nodes[m].LcDemand, placement[m]);
            loss += Lost(h);
            steal += Stolen(h);
        }

        return new OracleResult(loss, steal);
    }

    private static double Lost(HostStep h) => Math.Max(0, h.LcShortfall);

    private static double Stolen(HostStep h) => Math.Max(0, h.GuestDemand - h.ServedGuest);

    private static double Limit(OracleNode n, double demand) =>
        Math.Min(demand, Math.Max(0, double.IsNaN(n.BeCpuLimit) ? double.PositiveInfinity : n.BeCpuLimit));

    /// <summary>BE demand the node takes with no LC loss and no steal.</summary>
    private static double FreeUpTo(HostCpuModel model, OracleNode n)
    {
        double c = Math.Max(0, n.Capacity);
        double v = c * model.VcpuRatio;
        double l = Math.Max(0, n.LcDemand);
        double shareVm = c * model.VmWeight / (model.LcWeight + model.VmWeight);
        double shareLc = c - shareVm;
        double lossFree = l <= shareLc ? double.PositiveInfinity : c - l;
        double stealFree = Math.Max(c - l, shareVm) >= v ? double.PositiveInfinity : Math.Max(c - l, shareVm);
        return Math.Max(0, Math.Min(lossFree, stealFree));
    }

    private static double[] Breakpoints(HostCpuModel model, OracleNode n, double demand)
    {
        double c = Math.Max(0, n.Capacity);
        double v = c * model.VcpuRatio;
        double shareVm = c * model.VmWeight / (model.LcWeight + model.VmWeight);
        double limit = Limit(n, demand);
        var points = new List<double>(5) { 0, limit };
        foreach (double x in (ReadOnlySpan<double>)[c - Math.Max(0, n.LcDemand), shareVm, v])
        {
            if (x > 0 && x < limit)
            {
                points.Add(x);
            }
        }

        points.Sort();
        return points.Distinct().ToArray();
    }

    private static bool Better(OracleResult a, OracleResult b) =>
        a.LcLost < b.LcLost - LossTolerance || (a.LcLost <= b.LcLost + LossTolerance && a.Stolen < b.Stolen - LossTolerance);

    /// <summary>Keeps the partial placements no other beats with at least as much demand placed at no more cost.</summary>
    private static List<Partial> Prune(List<Partial> all)
    {
        all.Sort(static (a, b) => b.Sum != a.Sum ? b.Sum.CompareTo(a.Sum) : a.Loss != b.Loss ? a.Loss.CompareTo(b.Loss) : a.Steal.CompareTo(b.Steal));
        var kept = new List<Partial>(all.Count);
        OracleResult bestSoFar = new(double.PositiveInfinity, double.PositiveInfinity);
        foreach (Partial p in all)
        {
            var cost = new OracleResult(p.Loss, p.Steal);
            if (Better(cost, bestSoFar))
            {
                kept.Add(p);
                bestSoFar = cost;
            }
        }

        return kept;
    }

    private readonly record struct Partial(double Sum, double Loss, double Steal, double[] Demand);
}
