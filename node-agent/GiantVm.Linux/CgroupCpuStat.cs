using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>cgroup v2 <c>cpu.stat</c>: <c>key value</c> lines, times in microseconds, parsed by key.</summary>
public sealed record CgroupCpuStat(IReadOnlyDictionary<string, ulong> Values)
{
    public ulong? this[string key] => Values.TryGetValue(key, out var v) ? v : null;

    public ulong? UsageUsec => this["usage_usec"];

    public static CgroupCpuStat Parse(ReadOnlySpan<char> text, string path = "cpu.stat")
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var lines = new Lines(text);
        while (lines.Next(out var line))
        {
            var tok = new SpanTokenizer(line);
            if (!tok.Next(out var key))
            {
                continue;
            }

            if (!tok.Next(out var value))
            {
                throw new ProcParseException(path, lines.Number, $"{key} has no value");
            }

            values[key.ToString()] = Numbers.UInt64(value, path, lines.Number, key.ToString());
        }

        if (values.Count == 0)
        {
            throw new ProcParseException(path, 0, "no values");
        }

        return new CgroupCpuStat(values);
    }
}
