namespace GiantVm.Simulator.Simulation;

/// <summary>
/// The cost of a move (<c>--migrate-bandwidth</c>): a moved task makes no progress while its
/// resident memory crosses to the target at the bandwidth; the CPU it would have used meanwhile
/// is lost. Bandwidth 0 means free moves (no pause).
/// </summary>
public static class MigrationCost
{
    /// <summary>Default bandwidth: 1 GiB/s.</summary>
    public const double DefaultBytesPerSecond = 1L << 30;

    /// <summary>A bandwidth in bytes per second as written on the command line: a byte size (<c>0</c>, <c>1073741824</c>, <c>512MiB</c>, <c>1GiB</c>), optionally followed by <c>/s</c>.</summary>
    public static bool TryParseBandwidth(string text, out double bytesPerSecond)
    {
        string s = text.Trim();
        if (s.EndsWith("/s", StringComparison.Ordinal))
        {
            s = s[..^2];
        }

        bool ok = GiantVm.Common.ByteSizeText.TryParse(s, out long bytes) && bytes >= 0;
        bytesPerSecond = ok ? bytes : 0;
        return ok;
    }

    /// <summary>Seconds a task of <paramref name="bytes"/> is paused at <paramref name="bytesPerSecond"/> (0 when free).</summary>
    public static double PauseSeconds(long bytes, double bytesPerSecond) =>
        bytesPerSecond > 0 && bytes > 0 ? bytes / bytesPerSecond : 0;

    /// <summary>When a task paused for <paramref name="pause"/> seconds from <paramref name="from"/> (or from its current resume time, if later) runs again.</summary>
    public static double ResumeAt(double currentResumeAt, double from, double pause) =>
        pause > 0 ? Math.Max(currentResumeAt, from) + pause : currentResumeAt;

    /// <summary>Seconds of the step [<paramref name="stepStart"/>, + <paramref name="stepSeconds"/>) a task that resumes at <paramref name="resumeAt"/> is paused.</summary>
    public static double PausedIn(double resumeAt, double stepStart, double stepSeconds) =>
        Math.Clamp(resumeAt - stepStart, 0, stepSeconds);
}
