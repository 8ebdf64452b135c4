using System.Text;
using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// The kernel's list format for CPU and node sets (cpulist, Cpus_allowed_list, cpuset.cpus,
/// node/online): comma-separated items, each <c>N</c>, <c>A-B</c>, or (as taskset accepts)
/// <c>A-B:S</c> for every S-th number from A to B. Empty text is the empty set.
/// </summary>
public static class ListFormat
{
    /// <summary>Largest number accepted (guards against "0-4000000000" eating memory).</summary>
    public const int MaxValue = 1 << 20;

    /// <summary>Parses a list into sorted, distinct numbers.</summary>
    public static int[] Parse(ReadOnlySpan<char> text, string path = "list")
    {
        text = text.Trim();
        if (text.IsEmpty)
        {
            return [];
        }

        var result = new List<int>();
        var item = 0;
        foreach (var range in text.Split(','))
        {
            item++;
            var part = text[range].Trim();
            if (part.IsEmpty)
            {
                throw new ProcParseException(path, 1, $"item {item} of '{Numbers.Clip(text)}' is empty");
            }

            var stride = 1;
            var colon = part.IndexOf(':');
            if (colon >= 0)
            {
                stride = Number(part[(colon + 1)..], path, text);
                if (stride <= 0)
                {
                    throw new ProcParseException(path, 1, $"stride in '{part}' must be positive");
                }

                part = part[..colon];
            }

            var dash = part.IndexOf('-');
            int first, last;
            if (dash < 0)
            {
                if (colon >= 0)
                {
                    throw new ProcParseException(path, 1, $"stride needs a range A-B:S, got '{part}:{stride}'");
                }

                first = last = Number(part, path, text);
            }
            else
            {
                first = Number(part[..dash], path, text);
                last = Number(part[(dash + 1)..], path, text);
                if (last < first)
                {
                    throw new ProcParseException(path, 1, $"range '{part}' ends before it starts");
                }
            }

            for (long n = first; n <= last; n += stride)
            {
                result.Add((int)n);
            }
        }

        result.Sort();
        var distinct = new List<int>(result.Count);
        foreach (var n in result)
        {
            if (distinct.Count == 0 || distinct[^1] != n)
            {
                distinct.Add(n);
            }
        }

        return [.. distinct];
    }

    /// <summary>Formats numbers the way the kernel does: sorted, runs of two or more as <c>A-B</c>.</summary>
    public static string Format(IEnumerable<int> values)
    {
        var sorted = values.Distinct().Order().ToArray();
        if (sorted.Length > 0 && sorted[0] < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(values), "list format holds non-negative numbers only");
        }

        var sb = new StringBuilder();
        var i = 0;
        while (i < sorted.Length)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(sorted[i]);
            if (j > i)
            {
                sb.Append('-').Append(sorted[j]);
            }

            i = j + 1;
        }

        return sb.ToString();
    }

    private static int Number(ReadOnlySpan<char> s, string path, ReadOnlySpan<char> whole)
    {
        s = s.Trim();
        if (!Numbers.TryInt32(s, out var n) || n < 0 || s.IsEmpty || s[0] is '+' or '-')
        {
            throw new ProcParseException(path, 1, $"'{Numbers.Clip(s)}' in '{Numbers.Clip(whole)}' is not a non-negative number");
        }

        if (n > MaxValue)
        {
            throw new ProcParseException(path, 1, $"{n} in '{Numbers.Clip(whole)}' exceeds {MaxValue}");
        }

        return n;
    }
}
