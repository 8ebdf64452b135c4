using System.Globalization;
using System.Text;
using GiantVm.Simulator.Simulation;
using ScottPlot;

namespace GiantVm.Simulator.Output;

/// <summary>
/// A sweep's outputs: <c>sweep.csv</c> (<c>param,value,policy,</c> then summary.json's metric
/// names, one row per value and policy; an empty field is a null share), the plots of LC CPU
/// lost, avoidable LC loss removed, steal and migrations against the parameter, per policy, and
/// <c>sweep.md</c>.
/// </summary>
internal static class SweepWriter
{
    public static string Header => "param,value,policy," + string.Join(",", SummaryMetrics.All.Select(m => m.Name));

    public static string Csv(SweepParameter parameter, IReadOnlyList<(string Value, SimulationResult Result)> runs)
    {
        var b = new StringBuilder().Append(Header).Append('\n');
        foreach (var (value, result) in runs)
        {
            foreach (PolicySummary p in result.Policies)
            {
                b.Append(parameter.Name).Append(',').Append(value).Append(',').Append(p.Name);
                foreach (var (_, metric) in SummaryMetrics.All)
                {
                    b.Append(',');
                    if (metric(p) is double v)
                    {
                        b.Append(v.ToString("R", CultureInfo.InvariantCulture));
                    }
                }

                b.Append('\n');
            }
        }

        return b.ToString();
    }

    /// <summary>Writes the plots; returns (file, caption).</summary>
    public static IReadOnlyList<(string File, string Caption)> Plots(string dir, SweepParameter parameter, IReadOnlyList<(string Value, SimulationResult Result)> runs)
    {
        (string File, string Title, Func<PolicySummary, double?> Value)[] plots =
        [
            ("sweep-lc-cpu-seconds-lost.png", "LC CPU-seconds lost", p => p.LcCpuSecondsLost),
            ("sweep-avoidable-lc-loss-removed.png", "share of the avoidable LC loss removed", p => p.AvoidableLcLossRemoved),
            ("sweep-mean-steal.png", "mean steal", p => p.MeanSteal),
            ("sweep-migrations.png", "migrations", p => p.Migrations),
        ];
        double[] xs = runs.Select(r => parameter.Numeric(r.Value)).ToArray();
        var written = new List<(string, string)>();
        foreach (var (file, title, value) in plots)
        {
            var plot = new Plot();
            IEnumerable<string> names = runs.SelectMany(r => r.Result.Policies.Select(p => p.Name)).Distinct();
            foreach (string name in names)
            {
                var px = new List<double>();
                var py = new List<double>();
                for (int i = 0; i < runs.Count; i++)
                {
                    if (runs[i].Result.Policies.FirstOrDefault(p => p.Name == name) is { } s && value(s) is double y)
                    {
                        px.Add(xs[i]);
                        py.Add(y);
                    }
                }

                if (px.Count == 0)
                {
                    continue;
                }

                var line = plot.Add.Scatter(px.ToArray(), py.ToArray());
                line.LegendText = name;
                line.LineWidth = 1.5f;
                line.MarkerSize = 6;
            }

            plot.Title($"{title} against {parameter.Name}");
            plot.XLabel(parameter.Name == "migrate-bandwidth" ? "migrate-bandwidth (bytes/s)" : parameter.Name);
            plot.YLabel(title);
            plot.ShowLegend(Alignment.UpperRight);
            plot.SavePng(Path.Combine(dir, file), 1000, 500);
            written.Add((file, $"{title} against {parameter.Name}, per policy"));
        }

        return written;
    }

    /// <summary>sweep.md: one table per value and where the policies separate.</summary>
    public static string Report(string trace, SweepParameter parameter, IReadOnlyList<(string Value, SimulationResult Result)> runs, IReadOnlyList<(string File, string Caption)> plots)
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.Append("# Sweep of ").Append(parameter.Name).Append(" on ").Append(trace).Append("\n\n");
        b.Append("| ").Append(parameter.Name).Append(" | policy | LC CPU-s lost | avoidable LC loss removed | mean steal | steal CPU-s | migrations | memory moved (GiB) | BE CPU-s lost to migration |\n");
        b.Append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var (value, result) in runs)
        {
            foreach (PolicySummary p in result.Policies)
            {
                b.Append(c, $"| {value} | {p.Name} | {p.LcCpuSecondsLost:N0} | {(p.AvoidableLcLossRemoved is double a ? a.ToString("P1", c) : "-")} | {p.MeanSteal:F4} | {p.StealCpuSeconds:N0} | {p.Migrations:N0} | {p.BytesMoved / (double)(1L << 30):N1} | {p.BeCpuSecondsLostToMigration:N0} |\n");
            }
        }

        b.Append("\n## Where the policies separate\n\n");
        foreach (string line in Separation(runs))
        {
            b.Append("- ").Append(line).Append('\n');
        }

        b.Append('\n');
        foreach (var (file, caption) in plots)
        {
            b.Append("## ").Append(caption).Append("\n\n![").Append(caption).Append("](").Append(file).Append(")\n\n");
        }

        return b.ToString();
    }

    /// <summary>
    /// Per value: the spread of LC CPU lost between the best and the worst policy that decides
    /// (not none, not the oracle) as a share of none's loss, and the best of them; then the value
    /// where that spread is largest.
    /// </summary>
    internal static IReadOnlyList<string> Separation(IReadOnlyList<(string Value, SimulationResult Result)> runs)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        double widest = -1;
        string? widestValue = null;
        foreach (var (value, result) in runs)
        {
            PolicySummary? none = result.Policies.FirstOrDefault(p => p.Name == "none");
            PolicySummary[] deciding = result.Policies.Where(p => p.Name is not "none" and not OraclePolicy.PolicyName).ToArray();
            if (deciding.Length == 0 || none is null || none.LcCpuSecondsLost <= 0)
            {
                lines.Add($"{value}: nothing to compare (needs none, a deciding policy, and LC loss)");
                continue;
            }

            PolicySummary best = deciding.MinBy(p => p.LcCpuSecondsLost)!;
            PolicySummary worst = deciding.MaxBy(p => p.LcCpuSecondsLost)!;
            double spread = (worst.LcCpuSecondsLost - best.LcCpuSecondsLost) / none.LcCpuSecondsLost;
            lines.Add(string.Create(c, $"{value}: best {best.Name} ({best.LcCpuSecondsLost:N0} LC CPU-s lost, {(best.AvoidableLcLossRemoved is double a ? a.ToString("P1", c) : "-")} of the avoidable loss removed), worst {worst.Name}; spread {spread:P1} of none's loss"));
            if (spread > widest)
            {
                widest = spread;
                widestValue = value;
            }
        }

        if (widestValue is not null)
        {
            lines.Add(string.Create(c, $"the policies separate most at {widestValue} (spread {widest:P1} of none's LC loss)"));
        }

        return lines;
    }
}
