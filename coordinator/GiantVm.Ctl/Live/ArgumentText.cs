using System.Globalization;
using GiantVm.Ctl.Cli;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Ctl.Live;

/// <summary>Parses the live verbs' values (durations, sizes, times, statuses); bad input is exit 2 naming the option.</summary>
internal static class ArgumentText
{
    private static readonly (string Unit, double Seconds)[] Units =
        [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];

    /// <summary><c>90s</c>, <c>1.5m</c>, <c>1h30m</c>, <c>2d</c>, <c>250ms</c>; a bare number is seconds.</summary>
    public static TimeSpan Duration(string text, string option)
    {
        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare) && bare > 0)
        {
            return TimeSpan.FromSeconds(bare);
        }

        var total = 0.0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            var unit = Units.FirstOrDefault(u => u.Unit == s[unitStart..i]);
            if (start == unitStart || unit.Unit is null
                || !double.TryParse(s.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw BadDuration(text, option);
            }

            total += number * unit.Seconds;
        }

        return total > 0 ? TimeSpan.FromSeconds(total) : throw BadDuration(text, option);
    }

    /// <summary><c>4G</c>, <c>512M</c>, <c>2GiB</c>, <c>1048576</c> (binary units).</summary>
    public static long Bytes(string text, string option)
    {
        var s = text.Trim();
        var end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }

        var shift = s[end..].ToUpperInvariant() switch
        {
            "" or "B" => 0,
            "K" or "KB" or "KIB" => 10,
            "M" or "MB" or "MIB" => 20,
            "G" or "GB" or "GIB" => 30,
            "T" or "TB" or "TIB" => 40,
            _ => -1,
        };
        if (end == 0 || shift < 0 || !double.TryParse(s.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            throw CtlException.Input($"{option}: '{text}' is not a size (examples: 4G, 512M, 1048576)");
        }

        return (long)(number * (1L << shift));
    }

    /// <summary>A duration back from <paramref name="now"/> (<c>1h</c>) or a time (<c>2026-11-25T13:00:00Z</c>, <c>2026-11-25 13:00</c>, UTC when no offset).</summary>
    public static DateTimeOffset Since(string text, DateTimeOffset now)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            && text.Contains('-', StringComparison.Ordinal))
        {
            return time;
        }

        try
        {
            return now - Duration(text, "--since");
        }
        catch (CtlException)
        {
            throw CtlException.Input($"--since: '{text}' is neither a duration (1h, 30m) nor a time (2026-11-25T13:00:00Z)");
        }
    }

    /// <summary>Status names (repeatable or comma-separated): pending, done, partial, refused, vanished, failed, timeout, dry-run.</summary>
    public static IReadOnlyList<string> Statuses(IEnumerable<string> values)
    {
        var statuses = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => v.ToLowerInvariant()).Distinct().ToList();
        foreach (var status in statuses.Where(s => !MigrationStatuses.All.Contains(s)))
        {
            throw CtlException.Input($"--status: unknown status '{status}' (one of {string.Join(", ", MigrationStatuses.All)})");
        }

        return statuses;
    }

    private static CtlException BadDuration(string text, string option) =>
        CtlException.Input($"{option}: '{text}' is not a duration (examples: 30s, 5m, 1h, 1h30m)");
}
