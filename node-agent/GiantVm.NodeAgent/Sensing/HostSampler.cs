using GiantVm.Linux;
using GiantVm.Linux.Deltas;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// The host agent's sensing: host busy CPU, LC load, and the GiantVM vCPU threads' run delay
/// (which KVM turns into the guest's steal time). <see cref="TakeSample"/> does the I/O;
/// <see cref="Compute(HostSample, HostSample, int, CpuDeltaRules)"/> is pure.
/// </summary>
internal sealed class HostSampler : ISampler<HostSample, HostReport>
{
    private readonly ProcFs _proc;
    private readonly CgroupFs _cgroups;
    private readonly HostSamplerOptions _options;
    private readonly TimeProvider _time;
    private int? _qemuPid;

    public HostSampler(ProcFs proc, CgroupFs cgroups, HostSamplerOptions options, TimeProvider time, CpuDeltaRules rules)
    {
        _proc = proc;
        _cgroups = cgroups;
        _options = options;
        _time = time;
        Rules = rules;
        _qemuPid = options.QemuPid;
    }

    public CpuDeltaRules Rules { get; }

    public HostSample TakeSample()
    {
        var now = _time.GetTimestamp() / (double)_time.TimestampFrequency;
        var stat = _proc.ReadStat();
        var memory = _proc.ReadMemInfo();
        var qemu = ReadQemu();
        var (lcNs, lcSource) = ReadLcUsage(qemu is not null);
        return new HostSample(now, stat, memory, lcNs, lcSource, qemu) { LcThreads = ReadLcThreads() };
    }

    public HostReport Compute(HostSample before, HostSample after) =>
        Compute(before, after, _options.NodeId, Rules) with { CgroupLayout = _cgroups.Layout.ToString() };

    public static HostReport Compute(HostSample before, HostSample after, int nodeId, CpuDeltaRules rules)
    {
        var elapsed = after.TimeSeconds - before.TimeSeconds;
        var deltas = CpuDeltas.Compute(before.Stat, after.Stat, elapsed, rules);
        var busy = NodeCpuRatios.BusyCores(deltas);

        double? qemuCores = null;
        var vcpus = 0;
        var running = 0;
        double? steal = null;
        if (before.Qemu is { } q0 && after.Qemu is { } q1 && q0.Pid == q1.Pid && q0.StartTime == q1.StartTime)
        {
            qemuCores = TaskCpu.Cores(q0.CpuTicks, q1.CpuTicks, elapsed, rules.UserHz);
            vcpus = q1.Vcpus.Count;
            var pairs = q1.Vcpus.Values
                .Where(v => q0.Vcpus.ContainsKey(v.Tid))
                .Select(v => (q0.Vcpus[v.Tid].SchedStat, v.SchedStat));
            (steal, running) = VcpuRunDelay.Compute(pairs, elapsed);
        }
        else if (after.Qemu is { } only)
        {
            vcpus = only.Vcpus.Count;
        }

        double? lc;
        var source = after.LcSource;
        if (before.LcUsageNs is { } l0 && after.LcUsageNs is { } l1)
        {
            lc = l1 > l0 ? (l1 - l0) / 1e9 / elapsed : 0;
        }
        else if (after.LcUsageNs is not null || before.LcUsageNs is not null)
        {
            lc = null; // the LC cgroup appeared or vanished between the samples
        }
        else if (qemuCores is { } qc)
        {
            lc = Math.Max(0, busy - qc);
        }
        else if (after.Qemu is null && before.Qemu is null)
        {
            lc = busy;
        }
        else
        {
            lc = null; // QEMU restarted between the samples
        }

        double? demand = null;
        if (lc is { } got && before.LcThreads is { } t0 && after.LcThreads is { } t1
            && ThreadRunDelay.WaitingCores(t0, t1, elapsed) is { } waited)
        {
            demand = got + waited;
        }

        return new HostReport(
            nodeId,
            elapsed,
            after.Stat.Cpus.Count,
            busy,
            lc,
            source,
            steal,
            after.Memory.MemAvailableBytes ?? after.Memory.MemFreeBytes ?? 0,
            after.Memory.MemTotalBytes ?? 0,
            after.Qemu?.Pid,
            qemuCores,
            vcpus,
            running,
            deltas.Discarded)
        {
            LcDemandCores = demand,
        };
    }

    /// <summary>
    /// schedstat of every thread of every process in the LC cgroup and its children (cgroup v2 only:
    /// null on v1 or without an LC cgroup). One file per thread per sample.
    /// </summary>
    private Dictionary<int, TaskSchedStat>? ReadLcThreads()
    {
        if (_options.LcCgroup is not { } cgroup || !_cgroups.V2Exists(cgroup))
        {
            return null;
        }

        var threads = new Dictionary<int, TaskSchedStat>();
        foreach (var pid in _cgroups.ReadProcs(cgroup))
        {
            foreach (var tid in _proc.ListTasks(pid))
            {
                if (_proc.TryReadTaskSchedStat(pid, tid) is { } sched)
                {
                    threads[tid] = sched;
                }
            }
        }

        return threads;
    }

    private (ulong? Ns, string Source) ReadLcUsage(bool qemuFound)
    {
        if (_options.LcCgroup is not { } cgroup)
        {
            return (null, qemuFound ? "host-busy-minus-qemu" : "host-busy");
        }

        if (_cgroups.V2Exists(cgroup))
        {
            var usec = _cgroups.ReadCpuStat(cgroup).UsageUsec
                ?? throw new ProcParseException(_cgroups.V2Directory(cgroup) + "/cpu.stat", 0, "no usage_usec");
            return (usec * 1000, "lc-cgroup");
        }

        if (_cgroups.TryReadCpuacctUsageNs(cgroup) is { } ns)
        {
            return (ns, "lc-cgroup-v1");
        }

        throw new DirectoryNotFoundException($"LC cgroup '{cgroup}' not found: no cgroup2 dir under {_cgroups.Layout.V2Root ?? "(none)"} and no cpuacct.usage under {_cgroups.Layout.V1CpuacctRoot ?? "(none)"}");
    }

    private QemuSample? ReadQemu()
    {
        var pid = _qemuPid ?? FindQemu();
        if (pid is null)
        {
            return null;
        }

        var stat = _proc.TryReadPidStat(pid.Value);
        if (stat is null)
        {
            if (_options.QemuPid is not null)
            {
                throw new FileNotFoundException($"QEMU process {pid} (--qemu-pid) does not exist under {_proc.Root}");
            }

            _qemuPid = null; // it exited: look for it again next time
            return null;
        }

        _qemuPid = pid;
        var vcpus = new Dictionary<int, VcpuThreadSample>();
        foreach (var tid in _proc.ListTasks(pid.Value))
        {
            if (_proc.TryReadTaskComm(pid.Value, tid) is { } name && _options.VcpuThreads.IsMatch(name)
                && _proc.TryReadTaskSchedStat(pid.Value, tid) is { } sched)
            {
                vcpus[tid] = new VcpuThreadSample(tid, name, sched);
            }
        }

        return new QemuSample(pid.Value, stat.StartTime, stat.CpuTicks, vcpus);
    }

    private int? FindQemu()
    {
        foreach (var pid in _proc.ListPids())
        {
            if (_proc.TryReadPidStat(pid) is { } s && IsQemu(s.Comm))
            {
                return pid;
            }
        }

        return null;
    }

    internal static bool IsQemu(string comm) =>
        comm.StartsWith("qemu-system-", StringComparison.Ordinal) || comm == "qemu-kvm";
}
