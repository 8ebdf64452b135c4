using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// /proc/&lt;pid&gt;/task/&lt;tid&gt;/schedstat: <c>"%llu %llu %lu"</c> = nanoseconds on CPU,
/// nanoseconds waiting on a runqueue (run_delay), timeslices. <c>0 0 0</c> where the kernel
/// lacks sched_info accounting.
/// </summary>
public readonly record struct TaskSchedStat(ulong RunNs, ulong RunDelayNs, ulong Timeslices)
{
    public static TaskSchedStat Parse(ReadOnlySpan<char> text, string path = "schedstat")
    {
        var tok = new SpanTokenizer(text);
        if (!tok.Next(out var run) || !tok.Next(out var delay))
        {
            throw new ProcParseException(path, 1, "truncated: at least 2 numbers expected");
        }

        var slices = tok.Next(out var s) ? Numbers.UInt64(s, path, 1, "timeslices") : 0;
        return new TaskSchedStat(
            Numbers.UInt64(run, path, 1, "run time"),
            Numbers.UInt64(delay, path, 1, "run delay"),
            slices);
    }
}
