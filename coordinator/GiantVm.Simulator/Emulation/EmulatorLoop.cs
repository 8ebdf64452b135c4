using System.Diagnostics;
using System.Globalization;

namespace GiantVm.Simulator.Emulation;

/// <summary>
/// The thin real-time loop around <see cref="EmulatorStep"/>: every step it takes the move
/// requests, advances the state to the wall-clock time since start, writes the changed files,
/// then the answers (so a done file always follows the files that show the move), then
/// <c>emulator/status.json</c>.
/// </summary>
internal sealed class EmulatorLoop(EmulationScenario scenario, string root, TextWriter log)
{
    public async Task<EmulatorState> RunAsync(double? durationSeconds, CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        var tree = new TreeWriter(root);
        var control = new ControlFiles(root);
        var statusPath = Path.Combine(root, "emulator", "status.json");
        var bootEpoch = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (long)EmulatorState.BootUptimeSeconds;
        var state = EmulatorState.Initial(scenario);
        var clock = Stopwatch.StartNew();

        tree.Write(TreeRenderer.Render(scenario, state, bootEpoch));
        tree.WriteAtomically(statusPath, StatusJson.Render(scenario, state));
        Log(0, $"emulating '{scenario.Name}': {scenario.Nodes.Count} hosts, {state.Tasks.Length} BE tasks, step {F(scenario.StepSeconds * 1000)}ms, under {Path.GetFullPath(root)}");

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(scenario.StepSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = clock.Elapsed.TotalSeconds;
                if (durationSeconds is { } d && now >= d)
                {
                    now = d;
                }

                var (requests, bad) = control.Take(now);
                var (lc, badLc) = control.TakeLcChanges();
                var result = EmulatorStep.Advance(state, scenario, now, requests, lc);
                state = result.State;
                tree.Write(TreeRenderer.Render(scenario, state, bootEpoch));
                foreach (var c in bad.Concat(result.Completions))
                {
                    control.WriteDone(c);
                }

                tree.WriteAtomically(statusPath, StatusJson.Render(scenario, state));
                foreach (var e in badLc.Concat(bad.Select(b => $"move {b.CommandId}: {b.Error}")).Concat(result.Events))
                {
                    Log(now, e);
                }

                if (durationSeconds is { } end && now >= end)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped: the files stay as they were last written
        }

        Log(state.Time, $"stopped; BE steal {F(state.BeStealRatio)}, moves done {state.MovesDone}, refused {state.MovesRefused}");
        return state;
    }

    private void Log(double t, string text)
    {
        log.WriteLine($"[emulator {t.ToString("0.0", CultureInfo.InvariantCulture),6}s] {text}");
        log.Flush();
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
