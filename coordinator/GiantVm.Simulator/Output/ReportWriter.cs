using System.Globalization;
using System.Text;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Output;

/// <summary>report.md: the run's parameters, a side-by-side comparison table, the anomalies and the plots.</summary>
internal static class ReportWriter
{
    public static string Render(SimulationResult result, SimulationOptions options, string trace, IReadOnlyList<(string File, string Caption)> plots)
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.Append("# Policy comparison on ").Append(trace).Append("\n\n");
        b.Append(c, $"{result.Machines} machines in GiantVM instances of {options.GroupSize}, {result.Steps} steps of 300 s ");
        b.Append(c, $"({result.Steps * 300 / 86400.0:F2} days), {result.RowsRead:N0} task_usage rows read. ");
        b.Append(c, $"LC classes {string.Join(",", options.LcClasses.Order())}, vCPU ratio {options.VcpuRatio}, VM weight {options.VmWeight}, ");
        b.Append(options.MigrateBandwidth > 0
            ? string.Create(c, $"migrate bandwidth {options.MigrateBandwidth / (1L << 20):0.##} MiB/s (a moved task is paused while its memory crosses).\n\n")
            : "free moves (migrate bandwidth 0).\n\n");
        b.Append("| policy | mean util. | mean Gini | LC violations | LC CPU-s lost | avoidable LC loss removed | BE CPU-s served | mean steal | p95 steal | steal CPU-s | avoidable steal removed | migrations | memory moved (GiB) | BE CPU-s lost to migration |\n");
        b.Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (PolicySummary p in result.Policies)
        {
            b.Append(c, $"| {p.Name} | {p.MeanUtilization:F4} | {p.MeanGini:F4} | {p.LcViolations:N0} | {p.LcCpuSecondsLost:N0} | {Share(p.AvoidableLcLossRemoved)} | {p.BeCpuSecondsServed:N0} | ");
            b.Append(c, $"{p.MeanSteal:F4} | {p.P95Steal:F4} | {p.StealCpuSeconds:N0} | {Share(p.AvoidableStealRemoved)} | {p.Migrations:N0} | {p.BytesMoved / (double)(1L << 30):N1} | {p.BeCpuSecondsLostToMigration:N0} |\n");
        }

        if (DecisionQuality.LcLossSplit(result.Policies) is var (unavoidable, avoidable))
        {
            double total = unavoidable + avoidable;
            b.Append(c, $"\nLC CPU-seconds lost by `none`: {total:N0} = {unavoidable:N0} unavoidable (the oracle's: no placement of the BE demand avoids it) + {avoidable:N0} avoidable");
            b.Append(c, $" ({(total > 0 ? avoidable / total : 0):P1}). *Avoidable LC loss removed* = (lost(none) - lost(policy)) / (lost(none) - lost(oracle)); the same over steal CPU-seconds. ");
            b.Append("The oracle is a bound, not a schedule: per instance and step it places the BE demand as a divisible whole knowing the step's LC load.\n");
        }
        else
        {
            b.Append("\nAvoidable loss removed needs both a `none` and an `oracle` row (`--policies ...,none,oracle`).\n");
        }

        b.Append("\nA Gini coefficient below 0.25 counts as a balanced cluster. Steal figures are over the (node, step) pairs with guest demand.\n\n");
        AnomalyCounts a = result.Anomalies;
        b.Append(c, $"Anomalies (rows): end before start {a.EndBeforeStart:N0}, no machine id {a.MissingMachine:N0}, ");
        b.Append(c, $"machine outside the simulated set {a.OutsideMachines:N0}, task without task_events row (counted as BE) {a.NoTaskEvent:N0}, late (step already closed) {a.LateRows:N0}.\n\n");
        foreach (var (file, caption) in plots)
        {
            b.Append("## ").Append(caption).Append("\n\n![").Append(caption).Append("](").Append(file).Append(")\n\n");
        }

        return b.ToString();
    }

    private static string Share(double? share) =>
        share is double v ? v.ToString("P1", CultureInfo.InvariantCulture) : "-";
}
