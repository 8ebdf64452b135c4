using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// /proc/meminfo or /sys/devices/system/node/nodeN/meminfo, parsed by key. Values with a
/// <c>kB</c> unit are converted to bytes; values without a unit (HugePages_*) are kept as counts.
/// Per-node files prefix every line with <c>Node N</c>, which is dropped.
/// </summary>
public sealed record MemInfo(IReadOnlyDictionary<string, ulong> Values)
{
    public ulong? this[string key] => Values.TryGetValue(key, out var v) ? v : null;

    public ulong? MemTotalBytes => this["MemTotal"];

    public ulong? MemFreeBytes => this["MemFree"];

    /// <summary>MemAvailable (kernel 3.14+).</summary>
    public ulong? MemAvailableBytes => this["MemAvailable"];

    public static MemInfo Parse(ReadOnlySpan<char> text, string path = "/proc/meminfo")
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var lines = new Lines(text);
        while (lines.Next(out var line))
        {
            if (line.IsWhiteSpace())
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new ProcParseException(path, lines.Number, $"no 'key:' in '{Numbers.Clip(line)}'");
            }

            var key = line[..colon].Trim();
            if (key.StartsWith("Node "))
            {
                var tok = new SpanTokenizer(key);
                tok.Next(out _);
                tok.Next(out _);
                key = tok.Rest.Trim();
            }

            var rest = new SpanTokenizer(line[(colon + 1)..]);
            if (!rest.Next(out var number))
            {
                throw new ProcParseException(path, lines.Number, $"{key} has no value");
            }

            var value = Numbers.UInt64(number, path, lines.Number, key.ToString());
            if (rest.Next(out var unit))
            {
                if (unit.Equals("kB", StringComparison.Ordinal))
                {
                    value *= 1024;
                }
                else
                {
                    throw new ProcParseException(path, lines.Number, $"{key} has unknown unit '{Numbers.Clip(unit)}'");
                }
            }

            values[key.ToString()] = value;
        }

        if (values.Count == 0)
        {
            throw new ProcParseException(path, 0, "no values");
        }

        return new MemInfo(values);
    }
}
