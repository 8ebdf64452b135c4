namespace GiantVm.Scheduling.Cluster;

/// <summary>
/// Gini coefficient of non-negative values (balance of per-machine utilization), sorted form:
/// G = sum_i (2i - n - 1) x_(i) / (n * sum x) over x sorted ascending, i = 1..n; 0 when the sum
/// is 0 or there are no values. {5,5,5,5} -> 0, {0,0,0,1} -> 0.75, {1,2,3,4} -> 0.25.
/// </summary>
public static class GiniCoefficient
{
    public static double Of(ReadOnlySpan<double> values)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        double[] copy = values.ToArray();
        return OfInPlace(copy);
    }

    /// <summary>Same as <see cref="Of"/> but sorts <paramref name="values"/> in place (no allocation).</summary>
    public static double OfInPlace(Span<double> values)
    {
        int n = values.Length;
        if (n == 0)
        {
            return 0;
        }

        values.Sort();
        double sum = 0;
        double weighted = 0;
        for (int i = 0; i < n; i++)
        {
            double x = values[i];
            sum += x;
            weighted += (2.0 * (i + 1) - n - 1) * x;
        }

        return sum > 0 ? weighted / (n * sum) : 0;
    }
}
