using GiantVm.Simulator.Simulation;
using ScottPlot;

namespace GiantVm.Simulator.Output;

/// <summary>
/// The PNG plots of a run (ScottPlot, headless): utilization, Gini and migrations per hour over
/// time per policy, and one bar chart per summary metric across the policies.
/// </summary>
internal static class PlotWriter
{
    private const int Width = 1000;
    private const int Height = 500;

    /// <summary>Writes every plot into <paramref name="dir"/>; returns (file name, caption) in report order.</summary>
    public static IReadOnlyList<(string File, string Caption)> Write(string dir, SimulationResult result)
    {
        var written = new List<(string, string)>();
        void Add(string file, string caption)
        {
            written.Add((file, caption));
        }

        TimeSeries(Path.Combine(dir, "utilization.png"), result, "Cluster CPU utilization", "utilization (served / capacity)", s => s.Utilization.ToArray(), 1);
        Add("utilization.png", "Cluster CPU utilization over time, per policy");
        TimeSeries(Path.Combine(dir, "gini.png"), result, "Gini coefficient of per-machine utilization", "Gini", s => s.Gini.ToArray(), 1);
        Add("gini.png", "Balance: Gini coefficient of per-machine utilization over time (< 0.25 is balanced)");
        TimeSeries(Path.Combine(dir, "steal.png"), result, "Mean steal ratio of nodes with guest demand", "steal ratio", s => s.MeanSteal.ToArray(), null);
        Add("steal.png", "Mean steal ratio over the nodes with guest demand, per step");
        MigrationsPerHour(Path.Combine(dir, "migrations-per-hour.png"), result);
        Add("migrations-per-hour.png", "Migrations per hour, per policy");

        (string File, string Title, Func<PolicySummary, double> Value)[] bars =
        [
            ("bars-mean-utilization.png", "mean utilization", p => p.MeanUtilization),
            ("bars-mean-gini.png", "mean Gini", p => p.MeanGini),
            ("bars-lc-violations.png", "LC QoS violations (machine-steps)", p => p.LcViolations),
            ("bars-lc-cpu-seconds-lost.png", "LC CPU-seconds lost", p => p.LcCpuSecondsLost),
            ("bars-be-cpu-seconds-served.png", "BE CPU-seconds served", p => p.BeCpuSecondsServed),
            ("bars-mean-steal.png", "mean steal", p => p.MeanSteal),
            ("bars-p95-steal.png", "p95 steal", p => p.P95Steal),
            ("bars-migrations.png", "migrations", p => p.Migrations),
            ("bars-steal-cpu-seconds.png", "steal CPU-seconds", p => p.StealCpuSeconds),
        ];
        foreach (var (file, title, value) in bars)
        {
            Bars(Path.Combine(dir, file), result, title, value);
            Add(file, title + " per policy");
        }

        if (result.Policies.Any(p => p.AvoidableLcLossRemoved is not null))
        {
            AvoidableRemoved(Path.Combine(dir, "bars-avoidable-removed.png"), result);
            Add("bars-avoidable-removed.png", "Share of the avoidable LC loss and steal removed per policy (none = 0, oracle = 1)");
        }

        return written;
    }

    private static void AvoidableRemoved(string path, SimulationResult result)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        for (int i = 0; i < result.Policies.Count; i++)
        {
            PolicySummary p = result.Policies[i];
            double lc = p.AvoidableLcLossRemoved ?? 0;
            double steal = p.AvoidableStealRemoved ?? 0;
            bars.Add(new Bar { Position = (i * 3) + 0, Value = lc, FillColor = plot.Add.Palette.GetColor(0), Label = Format(lc) });
            bars.Add(new Bar { Position = (i * 3) + 1, Value = steal, FillColor = plot.Add.Palette.GetColor(1), Label = Format(steal) });
        }

        var series = plot.Add.Bars(bars);
        series.ValueLabelStyle.FontSize = 12;
        Tick[] ticks = result.Policies.Select((p, i) => new Tick((i * 3) + 0.5, p.Name)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "avoidable LC loss removed", FillColor = plot.Add.Palette.GetColor(0) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "avoidable steal removed", FillColor = plot.Add.Palette.GetColor(1) });
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title("Share of the avoidable loss removed (0 = none, 1 = oracle bound)");
        plot.SavePng(path, Width, Height);
    }

    private static double[] Hours(PolicySeries s, long origin) =>
        s.TimeSeconds.Select(t => (t - origin) / 3600.0).ToArray();

    private static long Origin(SimulationResult result) => result.FirstStepSeconds ?? 0;

    private static void TimeSeries(string path, SimulationResult result, string title, string yLabel, Func<PolicySeries, double[]> values, double? yMax)
    {
        var plot = new Plot();
        long origin = Origin(result);
        foreach (PolicySeries s in result.Series)
        {
            double[] xs = Hours(s, origin);
            double[] ys = values(s);
            if (xs.Length == 0)
            {
                continue;
            }

            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = s.Name;
            line.LineWidth = 1.5f;
        }

        plot.Title(title);
        plot.XLabel($"hours since trace second {origin}");
        plot.YLabel(yLabel);
        if (yMax is double top)
        {
            plot.Axes.SetLimitsY(0, top);
        }
        else
        {
            double highest = result.Series.SelectMany(values).DefaultIfEmpty(0).Max();
            plot.Axes.SetLimitsY(0, highest > 0 ? highest * 1.15 : 1);
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    private static void MigrationsPerHour(string path, SimulationResult result)
    {
        var plot = new Plot();
        long origin = Origin(result);
        foreach (PolicySeries s in result.Series)
        {
            var hours = new SortedDictionary<long, double>();
            for (int i = 0; i < s.TimeSeconds.Count; i++)
            {
                long h = (long)Math.Floor((s.TimeSeconds[i] - origin) / 3600.0);
                hours[h] = hours.GetValueOrDefault(h) + s.Migrations[i];
            }

            if (hours.Count == 0)
            {
                continue;
            }

            var line = plot.Add.ScatterLine(hours.Keys.Select(k => (double)k).ToArray(), hours.Values.ToArray());
            line.LegendText = s.Name;
            line.LineWidth = 1.5f;
        }

        plot.Title("Migrations per hour");
        plot.XLabel($"hours since trace second {origin}");
        plot.YLabel("migrations");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    private static void Bars(string path, SimulationResult result, string title, Func<PolicySummary, double> value)
    {
        var plot = new Plot();
        double[] values = result.Policies.Select(value).ToArray();
        var bars = plot.Add.Bars(values);
        for (int i = 0; i < bars.Bars.Count; i++)
        {
            bars.Bars[i].Label = Format(values[i]);
            bars.Bars[i].FillColor = plot.Add.Palette.GetColor(i);
        }

        bars.ValueLabelStyle.FontSize = 14;
        Tick[] ticks = result.Policies.Select((p, i) => new Tick(i, p.Name)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.SavePng(path, 700, 400);
    }

    private static string Format(double v) =>
        Math.Abs(v) >= 1000 ? v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
        : v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
