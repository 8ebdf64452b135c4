using System.CommandLine;
using System.Globalization;
using GiantVm.Simulator.Output;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Cli;

/// <summary>
/// <c>giantvm-sim sweep --trace DIR --param NAME=V1,V2,... [--policies ...] --out DIR</c>: one run
/// per value (machine_events and task_events read once, task_usage streamed once per value),
/// sweep.csv, plots against the parameter, sweep.md and each run's summary.json.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var output = new Option<string>("--out") { Description = "Output folder for sweep.csv, the plots, sweep.md and runs/VALUE/summary.json", Required = true };
        var param = new Option<string>("--param")
        {
            Description = $"The parameter to vary and its values, NAME=V1,V2,... with NAME one of {string.Join(", ", SweepParameter.Names)} (the other model options stay as given)",
            Required = true,
        };
        var command = new Command("sweep", "Run the policies (and the oracle) once per value of one model parameter and compare them against it");
        model.AddTo(command);
        command.Options.Add(param);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            SweepParameter parameter = SweepParameter.TryParse(parse.GetValue(param)!, out string? error) ?? throw new UsageException(error!);
            SimulationOptions baseOptions = model.ReadOptions(parse);
            string traceDir = model.ReadTrace(parse);
            _ = model.ReadPolicies(parse);
            string outDir = parse.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            TextWriter progress = parse.GetValue(model.Quiet) ? TextWriter.Null : stderr;
            var runs = new List<(string Value, SimulationResult Result)>();
            // --machines is not a sweep parameter: the machines and classes are read once for every value.
            PreparedTrace trace = SimulationRunner.Prepare(traceDir, baseOptions.Machines, progress);
            foreach (string value in parameter.Values)
            {
                parameter.TryApply(baseOptions, value, out SimulationOptions options, out _);
                progress.WriteLine($"sweep: {parameter.Name}={value}");
                // Policies carry per-instance state: fresh ones for every run.
                SimulationResult result = SimulationRunner.Run(trace, options, model.ReadPolicies(parse), progress: progress);
                runs.Add((value, result));
                string runDir = Path.Combine(outDir, "runs", SafeName(value));
                Directory.CreateDirectory(runDir);
                SummaryJsonWriter.Write(Path.Combine(runDir, "summary.json"), result);
                foreach (PolicySummary p in result.Policies)
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{parameter.Name}={value,-10} {p.Name,-12} lc-cpu-s-lost {p.LcCpuSecondsLost:F0}  avoidable-removed {(p.AvoidableLcLossRemoved is double a ? a.ToString("F3", CultureInfo.InvariantCulture) : "-")}  mean-steal {p.MeanSteal:F4}  migrations {p.Migrations}  bytes-moved {p.BytesMoved}"));
                }
            }

            File.WriteAllText(Path.Combine(outDir, "sweep.csv"), SweepWriter.Csv(parameter, runs));
            IReadOnlyList<(string, string)> plots = parse.GetValue(model.NoPlots) ? [] : SweepWriter.Plots(outDir, parameter, runs);
            File.WriteAllText(Path.Combine(outDir, "sweep.md"), SweepWriter.Report(traceDir, parameter, runs, plots));
            stdout.WriteLine($"wrote {Path.Combine(outDir, "sweep.csv")}, sweep.md{(plots.Count > 0 ? $" and {plots.Count} plots" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string SafeName(string value) =>
        new(value.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch : '_').ToArray());
}
