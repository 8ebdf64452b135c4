using GiantVm.Linux;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Probe;

/// <summary><c>giantvm-agent probe</c>: two samples an interval apart, one report on stdout.</summary>
internal static class ProbeCommand
{
    public static async Task<int> RunAsync(ProbeSettings settings, TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken ct)
    {
        try
        {
            string output = settings.Role switch
            {
                "guest" => await ProbeAsync(SamplerFactory.Guest(settings, time), settings, time, ProbeOutput.Json, ProbeOutput.Table, ct),
                "host" => await ProbeAsync(SamplerFactory.Host(settings, time), settings, time, ProbeOutput.Json, ProbeOutput.Table, ct),
                _ => throw new ProbeInputException($"--role {settings.Role}: unknown role (host or guest)"),
            };
            await stdout.WriteAsync(output);
            if (settings.Json)
            {
                await stdout.WriteLineAsync();
            }

            return ExitCodes.Ok;
        }
        catch (Exception e) when (IsInputError(e))
        {
            await stderr.WriteLineAsync("giantvm-agent probe: " + e.Message);
            if (settings.Verbose)
            {
                await stderr.WriteLineAsync(e.ToString());
            }

            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("giantvm-agent probe: cancelled");
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"giantvm-agent probe: {e.GetType().Name}: {e.Message}");
            if (settings.Verbose)
            {
                await stderr.WriteLineAsync(e.ToString());
            }

            return ExitCodes.Failed;
        }
    }

    private static async Task<string> ProbeAsync<TSample, TReport>(
        ISampler<TSample, TReport> sampler,
        ProbeSettings settings,
        TimeProvider time,
        Func<TReport, string> json,
        Func<TReport, string> table,
        CancellationToken ct)
    {
        // the second sample starts one interval after the first one started
        var start = time.GetTimestamp();
        var before = sampler.TakeSample();
        var wait = settings.Interval - time.GetElapsedTime(start);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, ct);
        }

        var after = sampler.TakeSample();
        var report = sampler.Compute(before, after);
        return settings.Json ? json(report) : table(report);
    }

    private static bool IsInputError(Exception e) => e is ProbeInputException or ProcParseException
        or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException;
}
