using System.Globalization;
using GiantVm.Common;
using GiantVm.Ctl.Cli;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Ctl.Live;

/// <summary>Parses the live verbs' values (durations, sizes, times, statuses); bad input is exit 2 naming the option.</summary>
internal static class ArgumentText
{
    /// <summary>A duration above zero in the shared grammar (<see cref="DurationText"/>: <c>90s</c>,
    /// <c>1.5m</c>, <c>1h30m</c>, <c>2d</c>, <c>250ms</c>, bare seconds).</summary>
    public static TimeSpan Duration(string text, string option) =>
        DurationText.TryParse(text, out var value) && value > TimeSpan.Zero ? value : throw BadDuration(text, option);

    /// <summary>A size in the shared grammar (<see cref="ByteSizeText"/>: <c>4G</c>, <c>512M</c>, <c>2GiB</c>, bytes).</summary>
    public static long Bytes(string text, string option) =>
        ByteSizeText.TryParse(text, out var value)
            ? value
            : throw CtlException.Input($"{option}: '{text}' is not a size (examples: 4G, 512M, 1048576)");

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
