using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>/proc/loadavg: <c>0.19 0.49 0.24 1/86 4944</c>.</summary>
public sealed record LoadAvg(double Load1, double Load5, double Load15, int Runnable, int Threads, int LastPid)
{
    public static LoadAvg Parse(ReadOnlySpan<char> text, string path = "/proc/loadavg")
    {
        var tok = new SpanTokenizer(text);
        Span<double> loads = stackalloc double[3];
        for (var i = 0; i < 3; i++)
        {
            if (!tok.Next(out var t))
            {
                throw new ProcParseException(path, 1, $"truncated: {i} of 5 fields");
            }

            if (!Numbers.TryDouble(t, out loads[i]))
            {
                throw new ProcParseException(path, 1, $"load '{Numbers.Clip(t)}' is not a number");
            }
        }

        if (!tok.Next(out var entities))
        {
            throw new ProcParseException(path, 1, "truncated: 3 of 5 fields");
        }

        var slash = entities.IndexOf('/');
        if (slash <= 0)
        {
            throw new ProcParseException(path, 1, $"'{Numbers.Clip(entities)}' is not runnable/total");
        }

        var runnable = Numbers.Int32(entities[..slash], path, 1, "runnable");
        var threads = Numbers.Int32(entities[(slash + 1)..], path, 1, "threads");
        if (!tok.Next(out var last))
        {
            throw new ProcParseException(path, 1, "truncated: 4 of 5 fields");
        }

        return new LoadAvg(loads[0], loads[1], loads[2], runnable, threads, Numbers.Int32(last, path, 1, "last pid"));
    }
}
