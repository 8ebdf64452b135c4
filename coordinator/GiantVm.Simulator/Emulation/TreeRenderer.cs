using System.Globalization;
using System.Text;

namespace GiantVm.Simulator.Emulation;

/// <summary>
/// The files of the emulated cluster for one state, as relative paths under the emulation root
/// (<c>hostK/proc/...</c>, <c>hostK/sys/...</c>, <c>guest/proc/...</c>, <c>guest/sys/...</c>). Pure.
/// </summary>
internal static class TreeRenderer
{
    public const string QemuComm = "qemu-system-x86";

    /// <summary>The LC service's name on every host.</summary>
    public const string LcComm = "lc-service";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string HostDir(int node) => "host" + node.ToString(Inv);

    public static IEnumerable<(string Path, string Content)> Render(EmulationScenario scenario, EmulatorState state, long bootEpochSeconds)
    {
        for (var k = 0; k < scenario.Nodes.Count; k++)
        {
            foreach (var file in Host(scenario, state, k, bootEpochSeconds))
            {
                yield return file;
            }
        }

        foreach (var file in Guest(scenario, state, bootEpochSeconds))
        {
            yield return file;
        }
    }

    private static IEnumerable<(string, string)> Host(EmulationScenario scenario, EmulatorState state, int k, long bootEpochSeconds)
    {
        var node = scenario.Nodes[k];
        var counters = state.Hosts[k];
        var root = HostDir(k);
        var uptime = EmulatorState.BootUptimeSeconds + state.Time;
        var cpus = Enumerable.Range(0, node.Cpus).Select(c => (c, counters.PerCpu)).ToList();
        yield return ($"{root}/proc/stat", ProcText.Stat(cpus, bootEpochSeconds, uptime, 9000));
        yield return ($"{root}/proc/uptime", ProcText.Uptime(uptime, counters.PerCpu.Idle * node.Cpus));
        var figures = state.Figures[k];
        var load = (figures.ServedLc + figures.ServedGuest).ToString("0.00", Inv);
        yield return ($"{root}/proc/loadavg", $"{load} {load} {load} 2/{300 + node.Cpus} 9000\n");

        // the host runs the LC services and QEMU; QEMU holds the node's guest memory
        var guestUsed = GuestUsedBytes(scenario, state, k);
        var hostTotal = node.MemoryBytes + (node.MemoryBytes / 4);
        var lcBytes = node.MemoryBytes / 8;
        yield return ($"{root}/proc/meminfo", ProcText.MemInfo("", hostTotal, hostTotal - lcBytes - guestUsed, perNode: false));

        // QEMU: the main thread, then one "CPU n/KVM" thread per guest vCPU; only this node's vCPUs run here
        var q = EmulatorState.QemuPid;
        var vcpuTotal = scenario.GuestCpuCount;
        var offset = scenario.CpuOffsets()[k];
        var qemuUser = ProcText.Ticks(counters.VcpuRunSeconds * node.Vcpus);
        var qemuRss = (guestUsed + (64L << 20)) / EmulationScenario.PageSize;
        var qdir = $"{root}/proc/{q}";
        yield return ($"{qdir}/comm", QemuComm + "\n");
        yield return ($"{qdir}/stat", ProcText.PidStat(q, QemuComm, 'S', 1, qemuUser, 100, vcpuTotal + 1, 1500, node.MemoryBytes + (256L << 20), qemuRss, 0, qemuUser));
        yield return ($"{qdir}/status", ProcText.PidStatus(QemuComm, 'S', q, q, 1, qemuRss * 4, vcpuTotal + 1, ProcText.Range(0, node.Cpus), node.Cpus, "0", 1));
        yield return ($"{qdir}/task/{q}/comm", QemuComm + "\n");
        yield return ($"{qdir}/task/{q}/stat", ProcText.PidStat(q, QemuComm, 'S', 1, 0, 100, vcpuTotal + 1, 1500, 0, 0, 0));
        yield return ($"{qdir}/task/{q}/schedstat", "1000000000 2000000 4000\n");
        for (var n = 0; n < vcpuTotal; n++)
        {
            var tid = q + 1 + n;
            var local = n >= offset && n < offset + node.Vcpus;
            var name = $"CPU {n.ToString(Inv)}/KVM";
            var run = local ? counters.VcpuRunSeconds : 0.5;
            var delay = local ? counters.VcpuDelaySeconds : 0.001;
            var runNs = (ulong)(run * 1e9);
            yield return ($"{qdir}/task/{tid}/comm", name + "\n");
            yield return ($"{qdir}/task/{tid}/schedstat", $"{runNs.ToString(Inv)} {((ulong)(delay * 1e9)).ToString(Inv)} {(runNs / 4_000_000).ToString(Inv)}\n");
            yield return ($"{qdir}/task/{tid}/stat", ProcText.PidStat(tid, name, local ? 'R' : 'S', 1, ProcText.Ticks(run), 0, vcpuTotal + 1, 1500, 0, 0,
                local ? (n - offset) % node.Cpus : 0, ProcText.Ticks(run)));
        }

        // cgroup v2 (unified): the LC services' cgroup
        var usage = counters.LcUserSeconds + counters.LcSystemSeconds;
        yield return ($"{root}/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        var lc = $"{root}/sys/fs/cgroup/{scenario.LcCgroup.Trim('/')}";
        yield return ($"{lc}/cpu.stat",
            $"usage_usec {Usec(usage)}\nuser_usec {Usec(counters.LcUserSeconds)}\nsystem_usec {Usec(counters.LcSystemSeconds)}\n" +
            "nr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n");
        yield return ($"{lc}/cgroup.procs", EmulatorState.LcPid.ToString(Inv) + "\n");

        // the LC service: one thread per host CPU sharing its CPU time and its run delay (LC demand
        // CFS did not serve), which the host agent adds to LC busy to report LC demand
        var l = EmulatorState.LcPid;
        var ldir = $"{root}/proc/{l}";
        var lcTicks = ProcText.Ticks(usage);
        yield return ($"{ldir}/comm", LcComm + "\n");
        yield return ($"{ldir}/stat", ProcText.PidStat(l, LcComm, 'S', 1, ProcText.Ticks(counters.LcUserSeconds), ProcText.Ticks(counters.LcSystemSeconds), node.Cpus, 1200, 512L << 20, lcBytes / EmulationScenario.PageSize, 0));
        yield return ($"{ldir}/status", ProcText.PidStatus(LcComm, 'S', l, l, 1, lcBytes / 1024, node.Cpus, ProcText.Range(0, node.Cpus), node.Cpus, "0", 1));
        for (var i = 0; i < node.Cpus; i++)
        {
            var tid = l + i;
            var runNs = (ulong)(usage / node.Cpus * 1e9);
            var delayNs = (ulong)(counters.LcDelaySeconds / node.Cpus * 1e9);
            yield return ($"{ldir}/task/{tid.ToString(Inv)}/comm", LcComm + "\n");
            yield return ($"{ldir}/task/{tid.ToString(Inv)}/stat", ProcText.PidStat(tid, LcComm, 'S', 1, lcTicks / (ulong)node.Cpus, 0, node.Cpus, 1200, 0, 0, i));
            yield return ($"{ldir}/task/{tid.ToString(Inv)}/schedstat", $"{runNs.ToString(Inv)} {delayNs.ToString(Inv)} {(runNs / 4_000_000).ToString(Inv)}\n");
        }
    }

    private static IEnumerable<(string, string)> Guest(EmulationScenario scenario, EmulatorState state, long bootEpochSeconds)
    {
        var n = scenario.Nodes.Count;
        var offsets = scenario.CpuOffsets();
        var uptime = EmulatorState.BootUptimeSeconds + state.Time;
        var cpus = new List<(int, CpuCounters)>();
        var idle = 0.0;
        for (var k = 0; k < n; k++)
        {
            for (var c = 0; c < scenario.Nodes[k].Vcpus; c++)
            {
                cpus.Add((offsets[k] + c, state.GuestPerCpu[k]));
                idle += state.GuestPerCpu[k].Idle;
            }
        }

        var total = scenario.GuestCpuCount;
        yield return ("guest/proc/stat", ProcText.Stat(cpus, bootEpochSeconds, uptime, 5000 + state.Tasks.Length));
        yield return ("guest/proc/uptime", ProcText.Uptime(uptime, idle));
        var busy = state.Figures.Sum(f => f.ServedGuest).ToString("0.00", Inv);
        yield return ("guest/proc/loadavg", $"{busy} {busy} {busy} {1 + state.Tasks.Length}/{200 + state.Tasks.Length} {EmulatorState.FirstTaskPid + 100}\n");
        yield return ("guest/proc/sys/kernel/numa_balancing", scenario.NumaBalancing.ToString(Inv) + "\n");
        long memTotal = 0, memFree = 0;
        for (var k = 0; k < n; k++)
        {
            memTotal += scenario.Nodes[k].MemoryBytes;
            memFree += scenario.Nodes[k].MemoryBytes - GuestUsedBytes(scenario, state, k);
        }

        yield return ("guest/proc/meminfo", ProcText.MemInfo("", memTotal, memFree, perNode: false));

        var all = ProcText.Range(0, n);
        const string nodeDir = "guest/sys/devices/system/node";
        foreach (var name in new[] { "possible", "online", "has_cpu", "has_memory", "has_normal_memory" })
        {
            yield return ($"{nodeDir}/{name}", all + "\n");
        }

        yield return ("guest/sys/devices/system/cpu/online", ProcText.Range(0, total) + "\n");
        yield return ("guest/sys/devices/system/cpu/possible", ProcText.Range(0, total) + "\n");
        for (var k = 0; k < n; k++)
        {
            var dir = $"{nodeDir}/node{k.ToString(Inv)}";
            var used = GuestUsedBytes(scenario, state, k);
            yield return ($"{dir}/cpulist", ProcText.Range(offsets[k], scenario.Nodes[k].Vcpus) + "\n");
            yield return ($"{dir}/cpumap", ProcText.Mask(ProcText.Range(offsets[k], scenario.Nodes[k].Vcpus), total) + "\n");
            yield return ($"{dir}/meminfo", ProcText.MemInfo($"Node {k.ToString(Inv)} ", scenario.Nodes[k].MemoryBytes, scenario.Nodes[k].MemoryBytes - used, perNode: true));
            var hits = (ulong)(used / EmulationScenario.PageSize);
            yield return ($"{dir}/numastat", $"numa_hit {hits.ToString(Inv)}\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 0\nlocal_node {hits.ToString(Inv)}\nother_node 0\n");
        }

        foreach (var task in state.Tasks)
        {
            foreach (var file in Task(scenario, task, offsets, total, n))
            {
                yield return file;
            }
        }

        yield return ("guest/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        var procs = new StringBuilder();
        foreach (var task in state.Tasks)
        {
            procs.Append(task.Pid.ToString(Inv)).Append('\n');
        }

        yield return ($"guest/sys/fs/cgroup/{scenario.BeCgroup.Trim('/')}/cgroup.procs", procs.ToString());
    }

    private static IEnumerable<(string, string)> Task(EmulationScenario scenario, EmulatedTask task, int[] offsets, int totalCpus, int nodes)
    {
        var dir = $"guest/proc/{task.Pid.ToString(Inv)}";
        var affinity = EmulatorStep.CpuList(scenario, task.CpuNode);
        var mems = ProcText.Range(0, nodes);
        var rssPages = task.TotalPages;
        var vsize = (rssPages * EmulationScenario.PageSize) + (8L << 20);
        var threads = task.Tids.Length;
        var ticks = ProcText.Ticks(task.CpuSeconds);
        var utime = ticks * 95 / 100;
        var stime = ticks - utime;
        var state = task.ServedCores > 0.001 ? 'R' : 'S';
        var processor = offsets[task.CpuNode] + (task.Pid % scenario.Nodes[task.CpuNode].Vcpus);
        yield return ($"{dir}/comm", task.Comm + "\n");
        yield return ($"{dir}/cmdline", $"/usr/local/bin/{task.Comm}\0");
        yield return ($"{dir}/stat", ProcText.PidStat(task.Pid, task.Comm, state, 1, utime, stime, threads, task.StartTicks, vsize, rssPages, processor));
        yield return ($"{dir}/status", ProcText.PidStatus(task.Comm, state, task.Pid, task.Pid, 1, rssPages * 4, threads, affinity, totalCpus, mems, nodes));
        yield return ($"{dir}/numa_maps", NumaMaps(task));
        for (var i = 0; i < threads; i++)
        {
            var tid = task.Tids[i];
            var tdir = $"{dir}/task/{tid.ToString(Inv)}";
            var tu = utime / (ulong)threads;
            var ts = stime / (ulong)threads;
            var cpu = offsets[task.CpuNode] + ((tid + i) % scenario.Nodes[task.CpuNode].Vcpus);
            yield return ($"{tdir}/comm", task.Comm + "\n");
            yield return ($"{tdir}/stat", ProcText.PidStat(tid, task.Comm, state, 1, tu, ts, threads, task.StartTicks, vsize, rssPages, cpu));
            yield return ($"{tdir}/status", ProcText.PidStatus(task.Comm, state, task.Pid, tid, 1, rssPages * 4, threads, affinity, totalCpus, mems, nodes));
        }
    }

    /// <summary>numa_maps: the binary (no resident pages), the heap holding every page, per node.</summary>
    private static string NumaMaps(EmulatedTask task)
    {
        var sb = new StringBuilder(256);
        sb.Append("55d0c8a00000 default file=/usr/local/bin/").Append(task.Comm).Append('\n');
        var total = task.TotalPages;
        sb.Append("55d0c9e00000 default heap anon=").Append(total.ToString(Inv)).Append(" dirty=").Append(total.ToString(Inv));
        for (var k = 0; k < task.Pages.Length; k++)
        {
            if (task.Pages[k] > 0)
            {
                sb.Append(" N").Append(k.ToString(Inv)).Append('=').Append(task.Pages[k].ToString(Inv));
            }
        }

        sb.Append(" kernelpagesize_kB=4\n");
        sb.Append("7ffd5e000000 default stack\n");
        return sb.ToString();
    }

    /// <summary>Guest memory in use on node <paramref name="k"/>: a kernel share plus the BE tasks' pages there.</summary>
    public static long GuestUsedBytes(EmulationScenario scenario, EmulatorState state, int k)
    {
        var used = Math.Min(scenario.Nodes[k].MemoryBytes / 16, 256L << 20);
        foreach (var t in state.Tasks)
        {
            used += t.Pages[k] * EmulationScenario.PageSize;
        }

        return Math.Min(used, scenario.Nodes[k].MemoryBytes);
    }

    private static string Usec(double seconds) => ((ulong)Math.Max(0, Math.Floor(seconds * 1e6))).ToString(Inv);
}
