using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// /proc/stat: the aggregate <c>cpu</c> line and one line per online CPU (ids may have gaps).
/// Missing trailing columns count as 0, extra columns are ignored.
/// </summary>
public sealed record ProcStat(CpuTimes Aggregate, IReadOnlyList<CpuLine> Cpus, ulong? BootTimeSeconds)
{
    /// <summary>Fewest columns accepted on a cpu line (user nice system idle).</summary>
    public const int MinColumns = 4;

    public static ProcStat Parse(ReadOnlySpan<char> text, string path = "/proc/stat")
    {
        CpuTimes? aggregate = null;
        var cpus = new List<CpuLine>();
        ulong? btime = null;
        var lines = new Lines(text);
        Span<ulong> cols = stackalloc ulong[10];
        while (lines.Next(out var line))
        {
            if (!line.StartsWith("cpu"))
            {
                if (line.StartsWith("btime "))
                {
                    btime = Numbers.UInt64(line[6..].Trim(), path, lines.Number, "btime");
                }

                continue;
            }

            var tok = new SpanTokenizer(line);
            tok.Next(out var name);
            cols.Clear();
            var n = 0;
            while (tok.Next(out var t))
            {
                if (n < cols.Length)
                {
                    cols[n] = Numbers.UInt64(t, path, lines.Number, $"{name} column {n + 1}");
                }

                n++;
            }

            if (n < MinColumns)
            {
                throw new ProcParseException(path, lines.Number, $"{name} has {n} columns, at least {MinColumns} expected");
            }

            var times = new CpuTimes(cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], cols[9]);
            if (name.Length == 3)
            {
                if (aggregate is not null)
                {
                    throw new ProcParseException(path, lines.Number, "second aggregate cpu line");
                }

                aggregate = times;
            }
            else
            {
                var id = Numbers.Int32(name[3..], path, lines.Number, "cpu number");
                if (id < 0)
                {
                    throw new ProcParseException(path, lines.Number, $"negative cpu number {id}");
                }

                cpus.Add(new CpuLine(id, times));
            }
        }

        if (aggregate is null && cpus.Count == 0)
        {
            throw new ProcParseException(path, 0, "no cpu lines");
        }

        cpus.Sort((a, b) => a.Cpu.CompareTo(b.Cpu));
        for (var i = 1; i < cpus.Count; i++)
        {
            if (cpus[i].Cpu == cpus[i - 1].Cpu)
            {
                throw new ProcParseException(path, 0, $"cpu{cpus[i].Cpu} appears twice");
            }
        }

        if (aggregate is null)
        {
            var sum = default(CpuTimes);
            foreach (var c in cpus)
            {
                sum += c.Times;
            }

            aggregate = sum;
        }

        return new ProcStat(aggregate.Value, cpus, btime);
    }
}
