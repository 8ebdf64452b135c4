using System.Globalization;
using System.Text;

namespace GiantVm.Linux.Tests.Fixtures;

/// <summary>A fake process as the generators write it.</summary>
internal sealed record FakeProcess(
    int Pid,
    string Comm,
    ulong UserTicks,
    ulong SystemTicks,
    ulong StartTime,
    int LastCpu,
    ulong RssKb,
    string CpusAllowed,
    string MemsAllowed,
    int Threads = 1,
    string? NumaMaps = null,
    bool KernelThread = false,
    int ParentPid = 1);

/// <summary>
/// Writes a fake root (proc/ and sys/ below it) in the exact formats of Linux 6.x, for tests and
/// benchmarks. Deleted on dispose.
/// </summary>
internal sealed class FakeTree : IDisposable
{
    private FakeTree(string root)
    {
        Root = root;
        Directory.CreateDirectory(Proc);
        Directory.CreateDirectory(Sys);
    }

    public string Root { get; }

    public string Proc => Path.Combine(Root, "proc");

    public string Sys => Path.Combine(Root, "sys");

    public string CgroupRoot => Path.Combine(Sys, "fs", "cgroup");

    /// <summary>A new empty tree in memory-backed /dev/shm when there is one (thousands of small files), else the temp folder.</summary>
    public static FakeTree Create(string? name = null) =>
        new(Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "giantvm-fake-" + (name ?? "") + Guid.NewGuid().ToString("N")[..8]));

    private readonly HashSet<string> _directories = [];

    public FakeTree Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        var dir = Path.GetDirectoryName(path)!;
        if (_directories.Add(dir))
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, content);
        return this;
    }

    public FakeTree Delete(string relative)
    {
        var path = Path.Combine(Root, relative);
        _directories.RemoveWhere(d => d.StartsWith(path, StringComparison.Ordinal));
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }

        return this;
    }

    public FakeTree WriteStat(IEnumerable<(int Cpu, CpuTimes Times)> cpus)
    {
        var list = cpus.ToList();
        var sum = default(CpuTimes);
        foreach (var (_, t) in list)
        {
            sum += t;
        }

        var sb = new StringBuilder();
        sb.Append("cpu  ").AppendLine(Columns(sum));
        foreach (var (cpu, t) in list)
        {
            sb.Append(Inv($"cpu{cpu} ")).AppendLine(Columns(t));
        }

        sb.AppendLine("intr 175013 0 0 0").AppendLine("ctxt 489584").AppendLine("btime 1764070000")
            .AppendLine("processes 5000").AppendLine("procs_running 1").AppendLine("procs_blocked 0");
        return Write("proc/stat", sb.ToString());
    }

    public FakeTree WriteUptime(double seconds) => Write("proc/uptime", Inv($"{seconds:0.00} {seconds * 1.5:0.00}\n"));

    public FakeTree WriteMemInfo(ulong totalKb, ulong freeKb, ulong availableKb) =>
        Write("proc/meminfo", Inv($"MemTotal:       {totalKb} kB\nMemFree:        {freeKb} kB\nMemAvailable:   {availableKb} kB\nBuffers:            2004 kB\nCached:            85452 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n"));

    public FakeTree WriteNumaBalancing(int value) => Write("proc/sys/kernel/numa_balancing", Inv($"{value}\n"));

    public FakeTree WriteNodes(IReadOnlyList<(int Id, int[] Cpus, ulong TotalKb, ulong FreeKb)> nodes)
    {
        var ids = nodes.Select(n => n.Id).ToList();
        var list = ListFormat.Format(ids) + "\n";
        Write("sys/devices/system/node/online", list);
        Write("sys/devices/system/node/possible", list);
        Write("sys/devices/system/node/has_memory", list);
        Write("sys/devices/system/node/has_cpu", ListFormat.Format(nodes.Where(n => n.Cpus.Length > 0).Select(n => n.Id)) + "\n");
        foreach (var (id, cpus, total, free) in nodes)
        {
            Write(Inv($"sys/devices/system/node/node{id}/cpulist"), ListFormat.Format(cpus) + "\n");
            Write(Inv($"sys/devices/system/node/node{id}/meminfo"), Inv(
                $"Node {id} MemTotal:       {total} kB\nNode {id} MemFree:        {free} kB\nNode {id} MemUsed:        {total - free} kB\nNode {id} Active(anon):       1536 kB\nNode {id} HugePages_Total:     0\nNode {id} HugePages_Free:      0\n"));
        }

        return this;
    }

    /// <summary>Writes stat, comm, status, numa_maps and (unless <paramref name="withTaskDir"/> is false) task/&lt;pid&gt;/.</summary>
    public FakeTree WriteProcess(FakeProcess p, bool withTaskDir = true)
    {
        var dir = Inv($"proc/{p.Pid}");
        Write(dir + "/stat", StatLine(p.Pid, p));
        Write(dir + "/comm", p.Comm + "\n");
        var status = new StringBuilder()
            .Append("Name:\t").Append(p.Comm).Append('\n')
            .Append("Umask:\t0022\nState:\tS (sleeping)\n")
            .Append(Inv($"Tgid:\t{p.Pid}\nNgid:\t0\nPid:\t{p.Pid}\nPPid:\t{p.ParentPid}\n"));
        if (!p.KernelThread)
        {
            status.Append(Inv($"VmPeak:\t   {p.RssKb * 2} kB\nVmRSS:\t   {p.RssKb} kB\n"));
        }

        status.Append(Inv($"Threads:\t{p.Threads}\nCpus_allowed:\tffffffff,ffffffff\nCpus_allowed_list:\t{p.CpusAllowed}\nMems_allowed:\t00000000,000000ff\nMems_allowed_list:\t{p.MemsAllowed}\nvoluntary_ctxt_switches:\t150\n"));
        Write(dir + "/status", status.ToString());
        Write(dir + "/numa_maps", p.NumaMaps ?? "");
        return !withTaskDir ? this : WriteThread(p.Pid, p.Pid, p.Comm, new TaskSchedStat(p.UserTicks * 10_000_000, 0, 1));
    }

    public FakeTree WriteThread(int pid, int tid, string comm, TaskSchedStat sched)
    {
        var dir = Inv($"proc/{pid}/task/{tid}");
        Write(dir + "/comm", comm + "\n");
        return Write(dir + "/schedstat", Inv($"{sched.RunNs} {sched.RunDelayNs} {sched.Timeslices}\n"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static string StatLine(int pid, FakeProcess p)
    {
        // fields 1..52 of Linux 6.x; 39 = processor
        var f = new string[53];
        for (var i = 0; i < f.Length; i++)
        {
            f[i] = "0";
        }

        f[3] = "S";
        f[4] = Inv($"{p.ParentPid}");
        f[5] = Inv($"{pid}");
        f[6] = Inv($"{pid}");
        f[8] = "-1";
        f[9] = Inv($"{(p.KernelThread ? 0x00208040u : 0x00400100u)}");
        f[14] = Inv($"{p.UserTicks}");
        f[15] = Inv($"{p.SystemTicks}");
        f[18] = "20";
        f[20] = Inv($"{p.Threads}");
        f[22] = Inv($"{p.StartTime}");
        f[23] = Inv($"{p.RssKb * 4096}");
        f[24] = Inv($"{p.RssKb / 4}");
        f[25] = "18446744073709551615";
        f[39] = Inv($"{p.LastCpu}");
        return Inv($"{pid} ({p.Comm}) ") + string.Join(' ', f[3..]) + "\n";
    }

    private static string Columns(CpuTimes t) => Inv(
        $"{t.User} {t.Nice} {t.System} {t.Idle} {t.IoWait} {t.Irq} {t.SoftIrq} {t.Steal} {t.Guest} {t.GuestNice}");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
