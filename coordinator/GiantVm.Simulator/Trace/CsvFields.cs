using System.Buffers.Text;

namespace GiantVm.Simulator.Trace;

/// <summary>
/// Walks the comma-separated fields of one trace line (UTF-8 bytes, no quoting in the trace)
/// without allocating, and parses the numbers in them.
/// </summary>
internal ref struct CsvFields
{
    private ReadOnlySpan<byte> _rest;
    private bool _done;

    public CsvFields(ReadOnlySpan<byte> line)
    {
        _rest = line;
        _done = false;
        Column = 0;
    }

    /// <summary>1-based number of the field last returned by <see cref="Next"/>.</summary>
    public int Column { get; private set; }

    /// <summary>The next field (empty when missing); false past the last field.</summary>
    public bool Next(out ReadOnlySpan<byte> field)
    {
        if (_done)
        {
            field = default;
            return false;
        }

        Column++;
        int comma = _rest.IndexOf((byte)',');
        if (comma < 0)
        {
            field = _rest;
            _rest = default;
            _done = true;
            return true;
        }

        field = _rest[..comma];
        _rest = _rest[(comma + 1)..];
        return true;
    }

    /// <summary>Skips <paramref name="count"/> fields.</summary>
    public void Skip(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Next(out _);
        }
    }

    /// <summary>Parses an integer field; false when it is empty or not an integer.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        ReadOnlySpan<byte> digits = s;
        if (!TrySplitSign(ref digits, out bool negative))
        {
            return false;
        }

        if (digits.Length > 19)
        {
            return Utf8Parser.TryParse(s, out value, out int consumed) && consumed == s.Length;
        }

        ulong acc = 0;
        for (int i = 0; i < digits.Length; i++)
        {
            uint d = (uint)(digits[i] - (byte)'0');
            if (d > 9)
            {
                return false;
            }

            acc = (acc * 10) + d;
        }

        if (acc > long.MaxValue)
        {
            return false;
        }

        value = negative ? -(long)acc : (long)acc;
        return true;
    }

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Parses a decimal field; false when it is empty or not a number. Plain decimals of up to
    /// 15 significant digits take a fast path that is still correctly rounded (an exact integer
    /// divided by an exact power of ten); anything else goes through <see cref="Utf8Parser"/>.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        ReadOnlySpan<byte> rest = s;
        if (!TrySplitSign(ref rest, out bool negative))
        {
            return false;
        }

        long mantissa = 0;
        int digits = 0;
        int fractionDigits = 0;
        bool seenDot = false;
        bool any = false;
        for (int i = 0; i < rest.Length; i++)
        {
            byte b = rest[i];
            uint d = (uint)(b - (byte)'0');
            if (d <= 9)
            {
                any = true;
                if (mantissa != 0 || d != 0)
                {
                    digits++;
                }

                if (digits > 15)
                {
                    return SlowParse(s, out value);
                }

                mantissa = (mantissa * 10) + d;
                if (seenDot)
                {
                    fractionDigits++;
                }
            }
            else if (b == (byte)'.' && !seenDot)
            {
                seenDot = true;
            }
            else
            {
                return SlowParse(s, out value);
            }
        }

        if (!any || fractionDigits >= PowersOfTen.Length)
        {
            return any && SlowParse(s, out value);
        }

        double v = mantissa / PowersOfTen[fractionDigits];
        value = negative ? -v : v;
        return true;
    }

    /// <summary>Takes a leading '-' off a number field; false when nothing is left (empty, or "-" alone).</summary>
    private static bool TrySplitSign(ref ReadOnlySpan<byte> s, out bool negative)
    {
        negative = !s.IsEmpty && s[0] == (byte)'-';
        if (negative)
        {
            s = s[1..];
        }

        return !s.IsEmpty;
    }

    private static bool SlowParse(ReadOnlySpan<byte> s, out double value) =>
        Utf8Parser.TryParse(s, out value, out int consumed) && consumed == s.Length;
}
