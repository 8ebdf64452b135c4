using System.Globalization;
using GiantVm.Common;

namespace GiantVm.Simulator.Emulation;

/// <summary>Scalar values of scenario files: durations and byte sizes in the shared grammar
/// (<see cref="DurationText"/>, <see cref="ByteSizeText"/>) with the scenario's limits, and load
/// fractions. Pure.</summary>
internal static class ScenarioText
{
    /// <summary>A duration (<c>20s</c>, <c>500ms</c>, <c>1m30s</c>, bare seconds) in seconds.</summary>
    public static bool TryDuration(string text, out double seconds)
    {
        var ok = DurationText.TryParse(text, out var value);
        seconds = ok ? value.TotalSeconds : 0;
        return ok;
    }

    /// <summary>A size (<c>4GiB</c>, <c>256M</c>, plain bytes), at most 1 PiB.</summary>
    public static bool TryBytes(string text, out long bytes)
    {
        if (ByteSizeText.TryParse(text, out bytes) && bytes <= 1L << 50)
        {
            return true;
        }

        bytes = 0;
        return false;
    }

    /// <summary><c>95%</c> or <c>0.95</c>: a fraction of the host's CPUs.</summary>
    public static bool TryLoad(string text, out double fraction)
    {
        var s = text.Trim();
        var percent = s.EndsWith('%');
        if (percent)
        {
            s = s[..^1].TrimEnd();
        }

        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out fraction))
        {
            return false;
        }

        if (percent)
        {
            fraction /= 100;
        }

        return true;
    }
}
