using System.Globalization;
using System.Text;

namespace GiantVm.Simulator.Emulation;

/// <summary>Kernel text formats the emulator writes (as Linux 6.x prints them). Pure.</summary>
internal static class ProcText
{
    public const int UserHz = 100;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Seconds as USER_HZ ticks, rounded down (so a counter only grows).</summary>
    public static ulong Ticks(double seconds) => seconds <= 0 ? 0 : (ulong)Math.Floor(seconds * UserHz);

    /// <summary>One /proc/stat cpu line: <c>cpuN user nice system idle iowait irq softirq steal guest guest_nice</c>.</summary>
    public static void CpuLine(StringBuilder sb, string name, ulong user, ulong system, ulong idle, ulong steal, ulong guest)
    {
        sb.Append(name).Append(name.Length == 3 ? "  " : " ")
            .Append(user.ToString(Inv)).Append(" 0 ")
            .Append(system.ToString(Inv)).Append(' ')
            .Append(idle.ToString(Inv)).Append(" 0 0 0 ")
            .Append(steal.ToString(Inv)).Append(' ')
            .Append(guest.ToString(Inv)).Append(" 0\n");
    }

    /// <summary>/proc/stat from per-CPU counters (in CPU id order); the aggregate line is their sum.</summary>
    public static string Stat(IReadOnlyList<(int Cpu, CpuCounters Times)> cpus, long bootEpochSeconds, double uptime, int processes)
    {
        var sb = new StringBuilder(128 * (cpus.Count + 8));
        ulong u = 0, s = 0, i = 0, st = 0, g = 0;
        var lines = new StringBuilder();
        foreach (var (cpu, t) in cpus)
        {
            var (cu, cs, ci, cst, cg) = (Ticks(t.User), Ticks(t.System), Ticks(t.Idle), Ticks(t.Steal), Ticks(t.Guest));
            u += cu;
            s += cs;
            i += ci;
            st += cst;
            g += cg;
            CpuLine(lines, "cpu" + cpu.ToString(Inv), cu, cs, ci, cst, cg);
        }

        CpuLine(sb, "cpu", u, s, i, st, g);
        sb.Append(lines);
        var ctxt = (ulong)(uptime * 1000 * Math.Max(1, cpus.Count));
        sb.Append("intr ").Append((ctxt / 2).ToString(Inv)).Append(" 0 0 0\n");
        sb.Append("ctxt ").Append(ctxt.ToString(Inv)).Append('\n');
        sb.Append("btime ").Append(bootEpochSeconds.ToString(Inv)).Append('\n');
        sb.Append("processes ").Append(processes.ToString(Inv)).Append('\n');
        sb.Append("procs_running 1\nprocs_blocked 0\n");
        sb.Append("softirq 0 0 0 0 0 0 0 0 0 0 0\n");
        return sb.ToString();
    }

    /// <summary>/proc/uptime: uptime and summed idle time, two decimals.</summary>
    public static string Uptime(double uptime, double idle) =>
        string.Create(Inv, $"{Math.Floor(uptime * 100) / 100:0.00} {Math.Floor(idle * 100) / 100:0.00}\n");

    /// <summary>One meminfo line: key padded like the kernel, value in kB (or a count without unit).</summary>
    public static void MemLine(StringBuilder sb, string prefix, string key, long value, bool kb = true)
    {
        sb.Append(prefix).Append((key + ":").PadRight(16)).Append(value.ToString(Inv).PadLeft(8));
        sb.Append(kb ? " kB\n" : "\n");
    }

    /// <summary>/proc/meminfo (prefix "") or nodeN/meminfo (prefix "Node N ").</summary>
    public static string MemInfo(string prefix, long totalBytes, long freeBytes, bool perNode)
    {
        var sb = new StringBuilder(1024);
        var total = totalBytes / 1024;
        var free = Math.Clamp(freeBytes / 1024, 0, total);
        MemLine(sb, prefix, "MemTotal", total);
        MemLine(sb, prefix, "MemFree", free);
        if (perNode)
        {
            MemLine(sb, prefix, "MemUsed", total - free);
        }
        else
        {
            MemLine(sb, prefix, "MemAvailable", free);
            MemLine(sb, prefix, "Buffers", 0);
            MemLine(sb, prefix, "Cached", 0);
            MemLine(sb, prefix, "SwapCached", 0);
        }

        MemLine(sb, prefix, "Active", total - free);
        MemLine(sb, prefix, "Inactive", 0);
        MemLine(sb, prefix, "Active(anon)", total - free);
        MemLine(sb, prefix, "Inactive(anon)", 0);
        MemLine(sb, prefix, "Active(file)", 0);
        MemLine(sb, prefix, "Inactive(file)", 0);
        MemLine(sb, prefix, "Unevictable", 0);
        MemLine(sb, prefix, "Mlocked", 0);
        if (!perNode)
        {
            MemLine(sb, prefix, "SwapTotal", 0);
            MemLine(sb, prefix, "SwapFree", 0);
        }

        MemLine(sb, prefix, "Dirty", 0);
        MemLine(sb, prefix, "Writeback", 0);
        if (perNode)
        {
            MemLine(sb, prefix, "FilePages", 0);
        }

        MemLine(sb, prefix, "AnonPages", total - free);
        MemLine(sb, prefix, "Shmem", 0);
        MemLine(sb, prefix, "KernelStack", 4096);
        MemLine(sb, prefix, "PageTables", 2048);
        MemLine(sb, prefix, "HugePages_Total", 0, kb: false);
        MemLine(sb, prefix, "HugePages_Free", 0, kb: false);
        if (!perNode)
        {
            MemLine(sb, prefix, "HugePages_Rsvd", 0, kb: false);
            MemLine(sb, prefix, "Hugepagesize", 2048);
        }

        MemLine(sb, prefix, "HugePages_Surp", 0, kb: false);
        return sb.ToString();
    }

    /// <summary>/proc/&lt;pid&gt;/stat (52 fields; comm in parentheses, field 22 starttime, 39 processor).</summary>
    public static string PidStat(int pid, string comm, char state, int ppid, ulong utime, ulong stime, int threads,
        ulong startTicks, long vsizeBytes, long rssPages, int processor, ulong guestTicks = 0)
    {
        var f = new List<string>(52)
        {
            pid.ToString(Inv), "(" + comm + ")", state.ToString(), ppid.ToString(Inv), pid.ToString(Inv), pid.ToString(Inv),
            "0", "-1", "4194304", "1203", "0", "0", "0",
            utime.ToString(Inv), stime.ToString(Inv), "0", "0", "20", "0", threads.ToString(Inv), "0",
            startTicks.ToString(Inv), vsizeBytes.ToString(Inv), rssPages.ToString(Inv), "18446744073709551615",
            "94000000000000", "94000000100000", "140720000000000", "0", "0", "0", "0", "0", "0", "0", "0", "0", "17",
            processor.ToString(Inv), "0", "0", "0", guestTicks.ToString(Inv), "0",
            "94000000200000", "94000000300000", "94000001000000", "140720000001000", "140720000001100",
            "140720000001100", "140720000001200", "0",
        };
        return string.Join(' ', f) + "\n";
    }

    /// <summary>/proc/&lt;pid&gt;/status, the kernel's key order (tab after the colon).</summary>
    public static string PidStatus(string comm, char state, int tgid, int pid, int ppid, long vmRssKb, int threads,
        string cpusAllowedList, int cpuCount, string memsAllowedList, int nodeCount)
    {
        var stateName = state switch { 'R' => "R (running)", 'S' => "S (sleeping)", _ => state + " (unknown)" };
        var sb = new StringBuilder(1024);
        sb.Append("Name:\t").Append(comm).Append('\n')
            .Append("Umask:\t0022\n")
            .Append("State:\t").Append(stateName).Append('\n')
            .Append("Tgid:\t").Append(tgid.ToString(Inv)).Append('\n')
            .Append("Ngid:\t0\n")
            .Append("Pid:\t").Append(pid.ToString(Inv)).Append('\n')
            .Append("PPid:\t").Append(ppid.ToString(Inv)).Append('\n')
            .Append("TracerPid:\t0\n")
            .Append("Uid:\t1000\t1000\t1000\t1000\n")
            .Append("Gid:\t1000\t1000\t1000\t1000\n")
            .Append("FDSize:\t64\n")
            .Append("Groups:\t1000 \n")
            .Append("NStgid:\t").Append(tgid.ToString(Inv)).Append('\n')
            .Append("NSpid:\t").Append(pid.ToString(Inv)).Append('\n')
            .Append("NSpgid:\t").Append(tgid.ToString(Inv)).Append('\n')
            .Append("NSsid:\t").Append(tgid.ToString(Inv)).Append('\n');
        void Kb(string key, long v) => sb.Append(key).Append(":\t").Append(v.ToString(Inv).PadLeft(8)).Append(" kB\n");
        Kb("VmPeak", vmRssKb + 8192);
        Kb("VmSize", vmRssKb + 8192);
        Kb("VmLck", 0);
        Kb("VmPin", 0);
        Kb("VmHWM", vmRssKb);
        Kb("VmRSS", vmRssKb);
        Kb("RssAnon", Math.Max(0, vmRssKb - 16));
        Kb("RssFile", Math.Min(16, vmRssKb));
        Kb("RssShmem", 0);
        Kb("VmData", vmRssKb);
        Kb("VmStk", 132);
        Kb("VmExe", 16);
        Kb("VmLib", 2048);
        Kb("VmPTE", 64 + (vmRssKb / 512));
        Kb("VmSwap", 0);
        sb.Append("HugetlbPages:\t       0 kB\n")
            .Append("CoreDumping:\t0\n")
            .Append("THP_enabled:\t1\n")
            .Append("Threads:\t").Append(threads.ToString(Inv)).Append('\n')
            .Append("SigQ:\t0/63412\n")
            .Append("SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n")
            .Append("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n")
            .Append("CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n")
            .Append("CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n")
            .Append("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n")
            .Append("Speculation_Store_Bypass:\tthread vulnerable\n")
            .Append("Cpus_allowed:\t").Append(Mask(cpusAllowedList, cpuCount)).Append('\n')
            .Append("Cpus_allowed_list:\t").Append(cpusAllowedList).Append('\n')
            .Append("Mems_allowed:\t").Append(Mask(memsAllowedList, nodeCount)).Append('\n')
            .Append("Mems_allowed_list:\t").Append(memsAllowedList).Append('\n')
            .Append("voluntary_ctxt_switches:\t12\n")
            .Append("nonvoluntary_ctxt_switches:\t3\n");
        return sb.ToString();
    }

    /// <summary>A bitmap as the kernel prints <c>%*pb</c>: hex, 32-bit groups separated by commas.</summary>
    public static string Mask(string list, int bits)
    {
        var set = new bool[Math.Max(bits, 1)];
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-');
            var lo = int.Parse(dash < 0 ? part : part[..dash], Inv);
            var hi = dash < 0 ? lo : int.Parse(part[(dash + 1)..], Inv);
            for (var b = lo; b <= hi && b < set.Length; b++)
            {
                set[b] = true;
            }
        }

        var digits = (set.Length + 3) / 4;
        var chars = new char[digits];
        for (var d = 0; d < digits; d++)
        {
            var v = 0;
            for (var b = 0; b < 4; b++)
            {
                var bit = (d * 4) + b;
                if (bit < set.Length && set[bit])
                {
                    v |= 1 << b;
                }
            }

            chars[digits - 1 - d] = "0123456789abcdef"[v];
        }

        var hex = new string(chars);
        var sb = new StringBuilder();
        for (var end = hex.Length; end > 0; end -= 8)
        {
            var start = Math.Max(0, end - 8);
            sb.Insert(0, hex[start..end]);
            if (start > 0)
            {
                sb.Insert(0, ',');
            }
        }

        return sb.ToString();
    }

    /// <summary>A range list: <c>0-3</c>, <c>5</c>.</summary>
    public static string Range(int first, int count) =>
        count <= 1 ? first.ToString(Inv) : $"{first.ToString(Inv)}-{(first + count - 1).ToString(Inv)}";
}
