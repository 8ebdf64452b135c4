using System.Globalization;

namespace GiantVm.Ctl.Cli;

/// <summary>
/// How wide tables may be: the terminal's real width when stdout is a terminal, else
/// <c>$COLUMNS</c> when set, else no limit (piped output is never cut).
/// </summary>
public static class TerminalWidth
{
    /// <summary>Narrower than this is taken as a mistake (a width of 1 would cut every column to nothing).</summary>
    public const int Minimum = 20;

    /// <summary>The width for this process's stdout.</summary>
    public static int? Detect() => Resolve(!Console.IsOutputRedirected, ReadWindowWidth, Environment.GetEnvironmentVariable("COLUMNS"));

    /// <summary>
    /// <paramref name="isTerminal"/>: stdout is a terminal; <paramref name="windowWidth"/> reads its
    /// width (0 or a failure when unknown); <paramref name="columns"/> is <c>$COLUMNS</c>.
    /// </summary>
    public static int? Resolve(bool isTerminal, Func<int> windowWidth, string? columns)
    {
        ArgumentNullException.ThrowIfNull(windowWidth);
        if (isTerminal)
        {
            int width;
            try
            {
                width = windowWidth();
            }
            catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
            {
                width = 0;
            }

            if (width > 0)
            {
                return Math.Max(Minimum, width);
            }
        }

        return int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Max(Minimum, n) : null;
    }

    private static int ReadWindowWidth() => Console.WindowWidth;
}
