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
        var trace = new Option<string>("--trace") { Description = "Trace folder (machine_events/, task_events/, task_usage/ with .csv.gz or .csv parts)", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder for summary.json, per_step.csv, PNG plots and report.md", Required = true };
        var policies = new Option<string>("--policies")
        {
            Description = "Comma-separated shipped policy names or policy files",
            DefaultValueFactory = _ => string.Join(",", PolicySet.DefaultNames),
        };
        var machines = new Option<int>("--machines") { Description = "Simulated machines (the first N ids with an ADD event)", DefaultValueFactory = _ => 800 };
        var groupSize = new Option<int>("--group-size") { Description = "Machines per GiantVM instance", DefaultValueFactory = _ => 4 };
        var lcClasses = new Option<string>("--lc-classes") { Description = "Scheduling classes that are LC (others are BE)", DefaultValueFactory = _ => "2,3" };
        var vmWeight = new Option<double>("--vm-weight") { Description = "CFS weight of the vCPU threads against LC (LC weight 1)", DefaultValueFactory = _ => 1.0 };
        var vcpuRatio = new Option<double>("--vcpu-ratio") { Description = "vCPU capacity of a node as a multiple of its host's capacity", DefaultValueFactory = _ => 1.0 };
        var start = new Option<long?>("--start") { Description = "First trace second to simulate (default: the first usage row)" };
        var end = new Option<long?>("--end") { Description = "Trace second to stop at, exclusive (default: the last usage row)" };
        var dump = new Option<string?>("--dump-snapshots") { Description = "Write every snapshot each policy saw, per instance (JSON Lines for giantvmctl plan)" };
        var memoryUnit = new Option<long>("--memory-unit-bytes") { Description = "Bytes per 1.0 of normalized memory", DefaultValueFactory = _ => 64L << 30 };
        var noPlots = new Option<bool>("--no-plots") { Description = "Skip the PNG plots (report.md then has only the table)" };
        var quiet = new Option<bool>("--quiet") { Description = "No progress lines on stderr" };
        var command = new Command("run", "Replay a trace through the cluster model with every policy side by side")
        {
            trace, output, policies, machines, groupSize, lcClasses, vmWeight, vcpuRatio, start, end, dump, memoryUnit, noPlots, quiet,
        };
        command.SetAction(parse =>
        {
            var options = new SimulationOptions
            {
                Machines = Positive(parse.GetValue(machines), "--machines"),
                GroupSize = Positive(parse.GetValue(groupSize), "--group-size"),
                LcClasses = ParseClasses(parse.GetValue(lcClasses)!),
                VmWeight = PositiveReal(parse.GetValue(vmWeight), "--vm-weight"),
                VcpuRatio = PositiveReal(parse.GetValue(vcpuRatio), "--vcpu-ratio"),
                StartSeconds = parse.GetValue(start),
                EndSeconds = parse.GetValue(end),
                MemoryUnitBytes = Positive(parse.GetValue(memoryUnit), "--memory-unit-bytes"),
            };
            if (options.StartSeconds is long s && options.EndSeconds is long e && e <= s)
            {
                throw new UsageException($"--end ({e}) must be after --start ({s})");
            }

            string traceDir = parse.GetValue(trace)!;
            if (!Directory.Exists(traceDir))
            {
                throw new UsageException($"--trace {traceDir}: no such folder");
            }

            string[] entries = parse.GetValue(policies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (entries.Length == 0)
            {
                throw new UsageException("--policies is empty");
            }

            IReadOnlyList<EnginePolicy>? loaded = PolicySet.Load(entries, out IReadOnlyList<string> errors);
            if (loaded is null)
            {
                throw new UsageException(string.Join("; ", errors));
            }

            string outDir = parse.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            TextWriter progress = parse.GetValue(quiet) ? TextWriter.Null : stderr;
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
            IReadOnlyList<(string, string)> plots = parse.GetValue(noPlots) ? [] : PlotWriter.Write(outDir, result);
            File.WriteAllText(Path.Combine(outDir, "report.md"), ReportWriter.Render(result, options, traceDir, plots));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"simulated {result.Steps} steps x {result.Machines} machines x {result.Policies.Count} policies from {result.RowsRead:N0} rows in {seconds:F1} s ({result.RowsRead / Math.Max(seconds, 1e-9):N0} rows/s)"));
            foreach (PolicySummary p in result.Policies)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {p.Name,-12} util {p.MeanUtilization:F4}  gini {p.MeanGini:F4}  lc-violations {p.LcViolations}  mean-steal {p.MeanSteal:F4}  p95-steal {p.P95Steal:F4}  migrations {p.Migrations}"));
            }

            stdout.WriteLine($"wrote {Path.Combine(outDir, "summary.json")}, per_step.csv, report.md{(plots.Count > 0 ? $" and {plots.Count} plots" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static IReadOnlySet<int> ParseClasses(string text)
    {
        var set = new HashSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) || c < 0 || c > 255)
            {
                throw new UsageException($"--lc-classes: '{part}' is not a scheduling class (0-3 in the trace)");
            }

            set.Add(c);
        }

        return set;
    }

    private static T Positive<T>(T value, string name)
        where T : System.Numerics.INumber<T>
    {
        if (value < T.One)
        {
            throw new UsageException($"{name} must be >= 1 (got {value})");
        }

        return value;
    }

    private static double PositiveReal(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new UsageException($"{name} must be > 0 (got {value.ToString(CultureInfo.InvariantCulture)})");
        }

        return value;
    }
}
