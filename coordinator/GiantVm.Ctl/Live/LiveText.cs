using System.Globalization;

namespace GiantVm.Ctl.Live;

/// <summary>How live tables show values: short, fixed, "-" for unknown.</summary>
internal static class LiveText
{
    public static string Ratio(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    public static string Cores(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    /// <summary>1536 → 1.5K, binary units, one decimal below 10.</summary>
    public static string Bytes(double? bytes)
    {
        if (bytes is not { } b)
        {
            return "-";
        }

        string[] units = ["B", "K", "M", "G", "T"];
        var i = 0;
        while (b >= 1024 && i < units.Length - 1)
        {
            b /= 1024;
            i++;
        }

        return (i == 0 || b >= 10 ? b.ToString("0", CultureInfo.InvariantCulture) : b.ToString("0.0", CultureInfo.InvariantCulture)) + units[i];
    }

    /// <summary>Seconds as 5s, 3m, 2h, 4d (whole units, rounded down).</summary>
    public static string Age(double? seconds) => seconds switch
    {
        null => "-",
        < 0 => "0s",
        < 120 => $"{(int)seconds}s",
        < 7200 => $"{(int)(seconds / 60)}m",
        < 172800 => $"{(int)(seconds / 3600)}h",
        _ => $"{(int)(seconds / 86400)}d",
    };

    public static string Ago(DateTimeOffset? time, DateTimeOffset now) => time is { } t ? Age((now - t).TotalSeconds) + " ago" : "never";

    /// <summary>UTC time as the tables show it: <c>11-25 13:47:49</c>.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 UTC, the JSON form.</summary>
    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    public static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>Cuts <paramref name="text"/> to <paramref name="width"/> characters, ending in "..." when cut.</summary>
    public static string Cut(string text, int width) =>
        text.Length <= width ? text : width <= 3 ? text[..Math.Max(0, width)] : text[..(width - 3)] + "...";
}
