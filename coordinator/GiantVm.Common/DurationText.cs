using System.Globalization;
using System.Text;

namespace GiantVm.Common;

/// <summary>
/// The one duration grammar of every binary, its flags and its files: numbers with units
/// <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>, one after the other (<c>500ms</c>,
/// <c>30s</c>, <c>1.5m</c>, <c>1h30m</c>, <c>2d</c>), or a bare number of seconds (<c>45</c>,
/// <c>0</c>). Units are lower case, no sign, no spaces inside. Whether zero or a large value
/// is allowed is the caller's range check.
/// </summary>
public static class DurationText
{
    /// <summary>What a message can show as examples of the grammar.</summary>
    public const string Examples = "500ms, 30s, 5m, 1h30m, 2d or bare seconds";

    private static readonly double MaxMilliseconds = TimeSpan.MaxValue.TotalMilliseconds / 2;

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.Trim();
        if (s.Length == 0)
        {
            return false;
        }

        if (IsNumber(s))
        {
            return TryNumber(s, 1000, out value);
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
                "d" => 86_400_000,
                _ => null,
            };
            if (unitStart == start || unitMs is null
                || !double.TryParse(s.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            totalMs += number * unitMs.Value;
        }

        if (totalMs > MaxMilliseconds)
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

    private static bool IsNumber(string s) => s.All(c => char.IsAsciiDigit(c) || c == '.');

    private static bool TryNumber(string s, double unitMs, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number * unitMs > MaxMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(number * unitMs);
        return true;
    }
}
