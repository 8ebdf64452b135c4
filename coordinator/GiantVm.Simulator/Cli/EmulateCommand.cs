using System.CommandLine;
using System.Runtime.InteropServices;
using GiantVm.Simulator.Emulation;

namespace GiantVm.Simulator.Cli;

/// <summary>
/// <c>giantvm-sim emulate --root DIR --scenario FILE [--duration S]</c>: runs the emulated
/// GiantVM cluster in real time, writing the proc/sys trees the agents read under DIR.
/// </summary>
internal static class EmulateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var root = new Option<string>("--root") { Description = "Folder to write the emulated trees under (hostK/proc, hostK/sys, guest/proc, guest/sys, control/, emulator/status.json)", Required = true };
        var scenario = new Option<string>("--scenario") { Description = "Scenario file (YAML: nodes, be_tasks, lc_timeline; see coordinator/GiantVm.Simulator/scenarios/)", Required = true };
        var duration = new Option<string?>("--duration") { Description = "Stop after this long (30s, 2m, or seconds); default: the scenario's duration, else until SIGINT/SIGTERM" };
        var check = new Option<bool>("--check") { Description = "Only read and check the scenario, print a summary, and exit" };
        var command = new Command("emulate", "Run an emulated GiantVM cluster (N hosts, one guest) in real time for the agents to read")
        {
            root, scenario, duration, check,
        };
        command.SetAction(parse =>
        {
            EmulationScenario loaded;
            try
            {
                loaded = ScenarioLoader.LoadFile(parse.GetValue(scenario)!);
            }
            catch (ScenarioException e)
            {
                foreach (var error in e.Errors.Skip(1))
                {
                    stderr.WriteLine($"giantvm-sim: {error}");
                }

                throw new UsageException(e.Errors[0]);
            }

            double? seconds = loaded.DurationSeconds;
            if (parse.GetValue(duration) is { } text)
            {
                if (!ScenarioText.TryDuration(text, out var d) || d <= 0)
                {
                    throw new UsageException($"--duration '{text}': expected a positive duration such as 30s, 2m or 90");
                }

                seconds = d;
            }

            if (parse.GetValue(check))
            {
                stdout.WriteLine($"{loaded.Name}: {loaded.Nodes.Count} nodes, {loaded.Tasks.Sum(t => t.Count)} BE tasks, {loaded.LcTimeline.Count} LC changes: OK");
                return ExitCodes.Ok;
            }

            using var cts = new CancellationTokenSource();
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                cts.Cancel();
            }

            var loop = new EmulatorLoop(loaded, parse.GetValue(root)!, stdout);
            loop.RunAsync(seconds, cts.Token).GetAwaiter().GetResult();
            return ExitCodes.Ok;
        });
        return command;
    }
}
