using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GiantVm.Simulator.Output;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Cli;

/// <summary><c>giantvm-sim run --trace DIR --out DIR [...]</c>: evaluates policies over a trace.</summary>
internal static class TraceRunCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var output = new Option<string>("--out") { Description = "Output folder for summary.json, per_step.csv, PNG plots and report.md", Required = true };
        var dump = new Option<string?>("--dump-snapshots") { Description = "Write every snapshot each policy saw, per instance (JSON Lines for giantvmctl plan)" };
        var command = new Command("run", "Replay a trace through the cluster model with every policy side by side (and the oracle bound)");
        model.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(dump);
        command.SetAction(parse =>
        {
            SimulationOptions options = model.ReadOptions(parse);
            string traceDir = model.ReadTrace(parse);
            IReadOnlyList<ISimPolicy> loaded = model.ReadPolicies(parse);
            string outDir = parse.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            TextWriter progress = parse.GetValue(model.Quiet) ? TextWriter.Null : stderr;
            var clock = Stopwatch.StartNew();
            SimulationResult result;
            string? dumpDir = parse.GetValue(dump);
            using (SnapshotDumpWriter? dumper = dumpDir is null ? null : new SnapshotDumpWriter(dumpDir, loaded.Count))
            using (var perStep = new PerStepCsvWriter(Path.Combine(outDir, "per_step.csv")))
            {
                result = SimulationRunner.Run(traceDir, options, loaded, dumper, perStep.Write, progress);
            }

            double seconds = clock.Elapsed.TotalSeconds;
            SummaryJsonWriter.Write(Path.Combine(outDir, "summary.json"), result);
            IReadOnlyList<(string, string)> plots = parse.GetValue(model.NoPlots) ? [] : PlotWriter.Write(outDir, result);
            File.WriteAllText(Path.Combine(outDir, "report.md"), ReportWriter.Render(result, options, traceDir, plots));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"simulated {result.Steps} steps x {result.Machines} machines x {result.Policies.Count} policies from {result.RowsRead:N0} rows in {seconds:F1} s ({result.RowsRead / Math.Max(seconds, 1e-9):N0} rows/s)"));
            foreach (PolicySummary p in result.Policies)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {p.Name,-12} util {p.MeanUtilization:F4}  gini {p.MeanGini:F4}  lc-violations {p.LcViolations}  lc-cpu-s-lost {p.LcCpuSecondsLost:F0}  avoidable-removed {(p.AvoidableLcLossRemoved is double a ? a.ToString("F3", CultureInfo.InvariantCulture) : "-")}  mean-steal {p.MeanSteal:F4}  p95-steal {p.P95Steal:F4}  migrations {p.Migrations}  bytes-moved {p.BytesMoved}"));
            }

            stdout.WriteLine($"wrote {Path.Combine(outDir, "summary.json")}, per_step.csv, report.md{(plots.Count > 0 ? $" and {plots.Count} plots" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
