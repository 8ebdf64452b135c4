using System.Globalization;
using System.Text;

namespace GiantVm.Scheduling.Policies;

/// <summary>Durations as written in policy files: <c>300ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>,
/// <c>1.5s</c>, <c>1m30s</c>; <c>0</c> alone means zero.</summary>
public static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.Trim();
        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            return false;
        }

        var totalMs = 0.0;
        var i = 0;
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

            double? unitMs = s[unitStart..i] switch
            {
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => null,
            };
            if (unitMs is null)
            {
                return false;
            }

            totalMs += number * unitMs.Value;
        }

        if (totalMs > TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>The shortest form that parses back to the same value (<c>90s</c> is <c>1m30s</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        var rest = value;
        if (rest.TotalHours >= 1 && rest.Ticks % TimeSpan.TicksPerMinute == 0)
        {
            Append((long)rest.TotalHours, "h");
            rest -= TimeSpan.FromHours((long)rest.TotalHours);
        }

        if (rest.TotalMinutes >= 1 && rest.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            Append((long)rest.TotalMinutes, "m");
            rest -= TimeSpan.FromMinutes((long)rest.TotalMinutes);
        }

        if (rest.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            Append((long)rest.TotalSeconds, "s");
        }
        else if (rest.Ticks % TimeSpan.TicksPerMillisecond == 0)
        {
            Append((long)rest.TotalMilliseconds, "ms");
        }
        else
        {
            sb.Append(rest.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)).Append("ms");
        }

        return sb.ToString();

        void Append(long n, string unit)
        {
            if (n != 0)
            {
                sb.Append(n.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }
}
