using System.Globalization;

namespace GiantVm.Simulator.Emulation;

/// <summary>Scalar formats of scenario files: durations, byte sizes, load fractions. Pure.</summary>
internal static class ScenarioText
{
    /// <summary><c>20s</c>, <c>500ms</c>, <c>2m</c>, <c>1m30s</c>, or a plain number of seconds.</summary>
    public static bool TryDuration(string text, out double seconds)
    {
        seconds = 0;
        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds))
        {
            return true;
        }

        var i = 0;
        var total = 0.0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetterLower(s[i]))
            {
                i++;
            }

            double? unit = s[unitStart..i] switch { "ms" => 0.001, "s" => 1, "m" => 60, "h" => 3600, _ => null };
            if (unit is null)
            {
                return false;
            }

            total += number * unit.Value;
        }

        seconds = total;
        return s.Length > 0;
    }

    /// <summary><c>4GiB</c>, <c>256MiB</c>, <c>512KiB</c> (KB/MB/GB mean the same), or plain bytes.</summary>
    public static bool TryBytes(string text, out long bytes)
    {
        bytes = 0;
        var s = text.Trim();
        var end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }

        if (end == 0 || !double.TryParse(s.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        long? multiplier = s[end..].Trim() switch
        {
            "" or "B" => 1L,
            "KiB" or "KB" or "K" => 1L << 10,
            "MiB" or "MB" or "M" => 1L << 20,
            "GiB" or "GB" or "G" => 1L << 30,
            "TiB" or "TB" or "T" => 1L << 40,
            _ => null,
        };
        if (multiplier is null || number * multiplier.Value > 1L << 50)
        {
            return false;
        }

        bytes = (long)Math.Round(number * multiplier.Value);
        return true;
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
