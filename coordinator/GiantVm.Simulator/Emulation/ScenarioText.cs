using System.Globalization;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Simulator.Emulation;

/// <summary>Scalar formats of scenario files: durations, byte sizes, load fractions. Pure.</summary>
internal static class ScenarioText
{
    /// <summary><c>20s</c>, <c>500ms</c>, <c>2m</c>, <c>1m30s</c> (the policy file's duration format,
    /// <see cref="DurationText"/>), or a plain number of seconds.</summary>
    public static bool TryDuration(string text, out double seconds)
    {
        if (double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds))
        {
            return true;
        }

        var ok = DurationText.TryParse(text, out var value);
        seconds = ok ? value.TotalSeconds : 0;
        return ok;
    }

    /// <summary><c>4GiB</c>, <c>256MiB</c>, <c>512KiB</c> (KB/MB/GB mean the same), or plain bytes: the
    /// policy file's size format (<see cref="ByteSizeText"/>), at most 1 PiB.</summary>
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
