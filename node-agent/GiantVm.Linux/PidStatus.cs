using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/status the agent needs, parsed by key. Kernel threads have
/// no VmRSS (null).
/// </summary>
public sealed record PidStatus(
    string Name,
    string CpusAllowedList,
    string MemsAllowedList,
    ulong? VmRssBytes,
    int Threads)
{
    public static PidStatus Parse(ReadOnlySpan<char> text, string path = "status")
    {
        string? name = null;
        string cpus = "", mems = "";
        ulong? rss = null;
        var threads = 0;
        var lines = new Lines(text);
        while (lines.Next(out var line))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                if (line.IsWhiteSpace())
                {
                    continue;
                }

                throw new ProcParseException(path, lines.Number, $"no 'key:' in '{Numbers.Clip(line)}'");
            }

            var key = line[..colon];
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "Name":
                    name = value.ToString();
                    break;
                case "Cpus_allowed_list":
                    cpus = value.ToString();
                    break;
                case "Mems_allowed_list":
                    mems = value.ToString();
                    break;
                case "Threads":
                    threads = Numbers.Int32(value, path, lines.Number, "Threads");
                    break;
                case "VmRSS":
                    var tok = new SpanTokenizer(value);
                    tok.Next(out var number);
                    var kb = Numbers.UInt64(number, path, lines.Number, "VmRSS");
                    if (!tok.Next(out var unit) || !unit.Equals("kB", StringComparison.Ordinal))
                    {
                        throw new ProcParseException(path, lines.Number, "VmRSS without 'kB' unit");
                    }

                    rss = kb * 1024;
                    break;
            }
        }

        if (name is null)
        {
            throw new ProcParseException(path, 0, "no Name line");
        }

        return new PidStatus(name, cpus, mems, rss, threads);
    }
}
