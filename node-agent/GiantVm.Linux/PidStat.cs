using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// /proc/&lt;pid&gt;/stat (or task/&lt;tid&gt;/stat). The comm (field 2) may hold spaces and ')',
/// so the line is split after the LAST ')'; token k after it is field k+3.
/// </summary>
/// <param name="UserTicks">field 14 utime, USER_HZ ticks.</param>
/// <param name="SystemTicks">field 15 stime.</param>
/// <param name="StartTime">field 22, ticks since boot: with the pid it names one process instance.</param>
/// <param name="RssPages">field 24.</param>
/// <param name="Processor">field 39, the CPU it last ran on; -1 when the kernel does not report it.</param>
public sealed record PidStat(
    int Pid,
    string Comm,
    char State,
    int ParentPid,
    uint Flags,
    ulong UserTicks,
    ulong SystemTicks,
    int Threads,
    ulong StartTime,
    ulong RssPages,
    int Processor)
{
    /// <summary>PF_KTHREAD in field 9.</summary>
    public const uint KernelThreadFlag = 0x00200000;

    /// <summary>Field 22 (starttime) is the last field we require.</summary>
    public const int MinFields = 22;

    public bool IsKernelThread => (Flags & KernelThreadFlag) != 0;

    /// <summary>utime + stime.</summary>
    public ulong CpuTicks => UserTicks + SystemTicks;

    public static PidStat Parse(ReadOnlySpan<char> text, string path = "stat")
    {
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        if (open <= 0 || close < open)
        {
            throw new ProcParseException(path, 1, "no '(comm)' in stat line");
        }

        var pid = Numbers.Int32(text[..open].Trim(), path, 1, "pid");
        var comm = text[(open + 1)..close].ToString();
        var tok = new SpanTokenizer(text[(close + 1)..]);

        // fields 3.. after the comm; index = field - 3
        char state = '?';
        int ppid = 0, threads = 0, processor = -1;
        uint flags = 0;
        ulong utime = 0, stime = 0, start = 0, rss = 0;
        var field = 2;
        while (tok.Next(out var t))
        {
            field++;
            switch (field)
            {
                case 3: state = t.Length == 1 ? t[0] : throw new ProcParseException(path, 1, $"state '{Numbers.Clip(t)}' is not one letter"); break;
                case 4: ppid = Numbers.Int32(t, path, 1, "field 4 ppid"); break;
                case 9: flags = (uint)Numbers.UInt64(t, path, 1, "field 9 flags"); break;
                case 14: utime = Numbers.UInt64(t, path, 1, "field 14 utime"); break;
                case 15: stime = Numbers.UInt64(t, path, 1, "field 15 stime"); break;
                case 20: threads = Numbers.Int32(t, path, 1, "field 20 num_threads"); break;
                case 22: start = Numbers.UInt64(t, path, 1, "field 22 starttime"); break;
                case 24: rss = Numbers.TryInt64(t, out var r) && r > 0 ? (ulong)r : 0; break;
                case 39: processor = Numbers.Int32(t, path, 1, "field 39 processor"); break;
            }

            if (field == 39)
            {
                break;
            }
        }

        if (field < MinFields)
        {
            throw new ProcParseException(path, 1, $"truncated: {field} fields, at least {MinFields} expected");
        }

        return new PidStat(pid, comm, state, ppid, flags, utime, stime, threads, start, rss, processor);
    }
}
