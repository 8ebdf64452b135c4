using System.Globalization;

namespace GiantVm.Common;

/// <summary>
/// The one byte-size grammar of every binary, its flags and its files: a number and an
/// optional binary unit, <c>B</c>, <c>K</c>, <c>M</c>, <c>G</c>, <c>T</c>, each also as
/// <c>KB</c>/<c>KiB</c> and in any case (<c>512M</c>, <c>4G</c>, <c>2GiB</c>, <c>1.5k</c>), or
/// bare bytes (<c>1048576</c>). No sign. Limits are the caller's range check.
/// </summary>
public static class ByteSizeText
{
    /// <summary>What a message can show as examples of the grammar.</summary>
    public const string Examples = "512M, 4G, 2GiB or bytes";

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

        var shift = s[end..].TrimStart().ToUpperInvariant() switch
        {
            "" or "B" => 0,
            "K" or "KB" or "KIB" => 10,
            "M" or "MB" or "MIB" => 20,
            "G" or "GB" or "GIB" => 30,
            "T" or "TB" or "TIB" => 40,
            _ => -1,
        };
        if (shift < 0 || number * (1L << shift) > long.MaxValue / 2)
        {
            return false;
        }

        value = (long)Math.Round(number * (1L << shift));
        return true;
    }

    /// <summary>In the largest binary unit that leaves a number of at least 1 (<c>1.5GiB</c>,
    /// <c>512MiB</c>); bytes below 1 KiB as a bare number.</summary>
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
