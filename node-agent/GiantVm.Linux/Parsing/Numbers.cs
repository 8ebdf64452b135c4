using System.Globalization;

namespace GiantVm.Linux.Parsing;

/// <summary>Culture-free number parsing of kernel text.</summary>
internal static class Numbers
{
    public static bool TryUInt64(ReadOnlySpan<char> s, out ulong value) =>
        ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    public static bool TryInt32(ReadOnlySpan<char> s, out int value) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryInt64(ReadOnlySpan<char> s, out long value) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryDouble(ReadOnlySpan<char> s, out double value) =>
        double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);

    public static ulong UInt64(ReadOnlySpan<char> s, string path, int line, string what) =>
        TryUInt64(s, out var v) ? v : throw new ProcParseException(path, line, $"{what}: '{Clip(s)}' is not an unsigned integer");

    public static int Int32(ReadOnlySpan<char> s, string path, int line, string what) =>
        TryInt32(s, out var v) ? v : throw new ProcParseException(path, line, $"{what}: '{Clip(s)}' is not an integer");

    public static string Clip(ReadOnlySpan<char> s) => s.Length <= 40 ? s.ToString() : string.Concat(s[..40], "...");
}
