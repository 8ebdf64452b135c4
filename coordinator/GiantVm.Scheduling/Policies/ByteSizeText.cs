using System.Globalization;

namespace GiantVm.Scheduling.Policies;

/// <summary>Byte sizes as written in policy files: <c>0</c>, <c>1048576</c>, <c>512KiB</c>,
/// <c>64MiB</c>, <c>2GiB</c> (binary units; <c>KB</c>/<c>MB</c>/<c>GB</c> are accepted as the same).</summary>
public static class ByteSizeText
{
    public static bool TryParse(string text, out long value)
    {
        value = 0;
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
        if (multiplier is null || number * multiplier.Value > long.MaxValue / 2)
        {
            return false;
        }

        value = (long)Math.Round(number * multiplier.Value);
        return true;
    }

    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        var value = (double)bytes;
        while (unit < units.Length - 1 && Math.Abs(value) >= 1024)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture)
            : value.ToString(value == Math.Floor(value) ? "0" : "0.#", CultureInfo.InvariantCulture) + units[unit];
    }
}
