using System.Text.RegularExpressions;
using GiantVm.Linux;
using GiantVm.Linux.Deltas;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Probe;

/// <summary>
/// Checks the roots and options a user gave and builds the samplers on them; every problem is a
/// <see cref="ProbeInputException"/> naming what was wrong. Shared by <c>probe</c> and (later) <c>run</c>.
/// </summary>
internal static class SamplerFactory
{
    public static GuestSampler Guest(ProbeSettings s, TimeProvider time)
    {
        var proc = Proc(s.ProcRoot);
        var sys = new SysFs(RequireDirectory(s.SysRoot, "--sys-root"));
        if (!File.Exists(Path.Combine(sys.NodeDirectory, "online")))
        {
            throw new ProbeInputException($"--sys-root {s.SysRoot}: no {Path.Combine(sys.NodeDirectory, "online")} (not a sys file system with NUMA nodes)");
        }

        CgroupFs? cgroups = null;
        if (s.BeCgroup is { } be)
        {
            cgroups = Cgroups(s);
            if (cgroups.Layout.V2Root is null)
            {
                throw new ProbeInputException($"--be-cgroup {be}: no cgroup2 root under {s.SysRoot}/fs/cgroup ({cgroups.Layout.Kind}); give --cgroup-root");
            }

            if (!cgroups.V2Exists(be))
            {
                throw new ProbeInputException($"--be-cgroup {be}: no such cgroup under {cgroups.Layout.V2Root}");
            }
        }

        if (s.BePidFile is { } pidFile && !File.Exists(pidFile))
        {
            throw new ProbeInputException($"--be-pid-file {pidFile}: no such file");
        }

        var selection = new BeSelection(s.BeCgroup, s.BeComm is null ? null : Regex(s.BeComm, "--be-comm"), s.BePidFile);
        var selector = new BeTaskSelector(proc, cgroups, selection, ExcludedPid(s.ProcRoot), numaMapsEvery: s.NumaMapsEvery, numaMapsMaxAge: s.NumaMapsMaxAge);
        return new GuestSampler(proc, sys, selector, time, Rules(), s.NumaMaps);
    }

    public static HostSampler Host(ProbeSettings s, TimeProvider time)
    {
        var proc = Proc(s.ProcRoot);
        if (!File.Exists(proc.Path("meminfo")))
        {
            throw new ProbeInputException($"--proc-root {s.ProcRoot}: no meminfo");
        }

        var cgroups = Cgroups(s);
        if (s.LcCgroup is { } lc && !cgroups.V2Exists(lc) && cgroups.TryReadCpuacctUsageNs(lc) is null)
        {
            throw new ProbeInputException($"--lc-cgroup {lc}: not found as cgroup2 ({cgroups.Layout.V2Root ?? "no cgroup2 root"}) nor as v1 cpuacct ({cgroups.Layout.V1CpuacctRoot ?? "no cpuacct hierarchy"})");
        }

        if (s.QemuPid is { } pid && proc.TryReadPidStat(pid) is null)
        {
            throw new ProbeInputException($"--qemu-pid {pid}: no such process under {s.ProcRoot}");
        }

        var vcpus = s.VcpuThreads is null ? HostSamplerOptions.DefaultVcpuThreads : Regex(s.VcpuThreads, "--vcpu-threads");
        return new HostSampler(proc, cgroups, new HostSamplerOptions(s.NodeId, s.LcCgroup, s.QemuPid, vcpus), time, Rules());
    }

    private static CpuDeltaRules Rules() => CpuDeltaRules.Default with { UserHz = UserHz.Value };

    private static ProcFs Proc(string root)
    {
        RequireDirectory(root, "--proc-root");
        if (!File.Exists(Path.Combine(root, "stat")))
        {
            throw new ProbeInputException($"--proc-root {root}: no {Path.Combine(root, "stat")} (not a proc file system)");
        }

        return new ProcFs(root);
    }

    private static CgroupFs Cgroups(ProbeSettings s)
    {
        if (s.CgroupRoot is { } root)
        {
            RequireDirectory(root, "--cgroup-root");
        }

        return new CgroupFs(CgroupLayout.Detect(s.SysRoot, s.CgroupRoot));
    }

    private static string RequireDirectory(string path, string option) =>
        Directory.Exists(path) ? path : throw new ProbeInputException($"{option} {path}: no such directory");

    private static Regex Regex(string pattern, string option)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new ProbeInputException($"{option} '{pattern}': not a valid regular expression ({e.Message})");
        }
    }

    /// <summary>The agent never counts itself as a BE task, when it reads the real /proc.</summary>
    private static int? ExcludedPid(string procRoot) =>
        Path.GetFullPath(procRoot).TrimEnd('/') == "/proc" ? Environment.ProcessId : null;
}
