using System.CommandLine;
using System.Diagnostics;
using GiantVm.Simulator.Synth;

namespace GiantVm.Simulator.Cli;

/// <summary><c>giantvm-sim synth --machines N [--days D] --out DIR [--seed N]</c>.</summary>
internal static class SynthCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var machines = new Option<int>("--machines") { Description = "Number of machines", Required = true };
        var days = new Option<double>("--days") { Description = "Days of trace to write", DefaultValueFactory = _ => 1.0 };
        var output = new Option<string>("--out") { Description = "Output folder (trace layout: machine_events/, task_events/, task_usage/)", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (the same seed writes the same trace)", DefaultValueFactory = _ => 1UL };
        var command = new Command("synth", "Write a synthetic trace in the clusterdata-2011-2 layout and columns")
        {
            machines, days, output, seed,
        };
        command.SetAction(parse =>
        {
            int m = parse.GetValue(machines);
            double d = parse.GetValue(days);
            string outDir = parse.GetValue(output)!;
            if (m < 1)
            {
                throw new UsageException($"--machines must be >= 1 (got {m})");
            }

            if (d <= 0 || d > 366)
            {
                throw new UsageException($"--days must be in (0, 366] (got {d})");
            }

            var clock = Stopwatch.StartNew();
            var writer = new SyntheticTraceWriter(new SynthOptions(m, d, outDir, parse.GetValue(seed)));
            writer.Write();
            stdout.WriteLine(
                $"wrote {outDir}: {m} machines, {d} days, {writer.UsageRows:N0} task_usage rows, {writer.TaskEventRows:N0} task_events rows in {clock.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Ok;
        });
        return command;
    }
}
