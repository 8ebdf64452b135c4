using System.Diagnostics;

namespace GiantVm.Simulator.Simulation;

/// <summary>Progress lines on stderr at most every <c>interval</c>: rows, simulated days, rate, ETA.</summary>
internal sealed class ProgressReporter(TextWriter output, TimeSpan interval)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.Zero;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Report(string phase, long rows, double simulatedDays, long bytesRead, long totalBytes, bool force = false)
    {
        TimeSpan now = _clock.Elapsed;
        if (!force && now - _last < interval)
        {
            return;
        }

        _last = now;
        double seconds = Math.Max(now.TotalSeconds, 1e-9);
        double fraction = totalBytes > 0 ? Math.Clamp((double)bytesRead / totalBytes, 0, 1) : 0;
        string eta = fraction > 0.001 && fraction < 1
            ? TimeSpan.FromSeconds(Math.Round(seconds * (1 - fraction) / fraction)).ToString("c")
            : "-";
        output.WriteLine(
            $"{phase}: {rows / 1e6:F2}M rows, {simulatedDays:F2} simulated days, {rows / seconds / 1e6:F2}M rows/s, {fraction * 100:F0}% of input, ETA {eta}");
    }
}
