namespace GiantVm.Linux.Tests.Fixtures;

/// <summary>
/// A generated physical host with 8 CPUs running the GiantVM QEMU process (pid 4242) with four
/// vCPU threads, two of which run here. Snapshot b is two seconds after a.
/// </summary>
internal static class HostTrees
{
    public const double IntervalSeconds = 2.0;
    public const int QemuPid = 4242;
    public const int CpuCount = 8;

    // each CPU: +100 user +20 system +80 idle over 200 ticks -> 0.6 busy x 8 CPUs
    public const double ExpectedBusyCores = 4.8;

    // QEMU utime+stime +300 ticks over 2 s
    public const double ExpectedQemuCores = 1.5;
    public const double ExpectedLcFromBusyMinusQemu = 3.3;

    // lc/cpu.stat usage_usec +6,000,000 over 2 s
    public const double ExpectedLcFromCgroupV2 = 3.0;

    // the LC cgroup's threads (nginx 300 and its worker 301): run delay +0 and +1.2e9 ns over 2 s
    public const double ExpectedLcWaitCores = 0.6;
    public const double ExpectedLcDemandFromCgroupV2 = ExpectedLcFromCgroupV2 + ExpectedLcWaitCores;

    // cpuacct/lc/cpuacct.usage +5e9 ns over 2 s
    public const double ExpectedLcFromCgroupV1 = 2.5;

    // CPU 0/KVM: run +1.5e9, delay +0.2e9; CPU 1/KVM: run +1e9, delay +0.6e9; CPU 2 and 3 did not run
    public const double ExpectedVcpuSteal = 0.2;
    public const int VcpuThreads = 4;
    public const int VcpuThreadsRunning = 2;

    public const ulong MemAvailableBytes = 31457280UL * 1024;

    public enum Cgroups
    {
        Unified,
        Hybrid,
    }

    public static FakeTree Create(char snapshot, Cgroups layout = Cgroups.Unified)
    {
        var b = snapshot == 'b';
        var tree = FakeTree.Create("host" + snapshot);
        tree.WriteStat(Enumerable.Range(0, CpuCount).Select(c =>
        {
            var t = new CpuTimes(100000, 0, 20000, 500000, 100, 0, 500, 0, 90000, 0);
            if (b)
            {
                t = t + new CpuTimes(100, 0, 20, 80, 0, 0, 0, 0, 60, 0);
            }

            return (c, t);
        }));
        tree.WriteMemInfo(33554432, 20000000, 31457280);
        tree.WriteProcess(new FakeProcess(1, "init", 50, 50, 1, 0, 1000, "0-7", "0"));
        tree.WriteProcess(new FakeProcess(300, "nginx", 4000, 400, 200, 3, 90000, "0-7", "0"));
        tree.WriteProcess(new FakeProcess(QemuPid, "qemu-system-x86", b ? 10250UL : 10000, b ? 2050UL : 2000, 100, 1, 8_000_000, "0-7", "0", 7));
        tree.WriteThread(300, 301, "nginx", b ? new TaskSchedStat(3_000_000_000, 1_700_000_000, 40) : new TaskSchedStat(2_000_000_000, 500_000_000, 30));
        tree.WriteThread(QemuPid, 4243, "CPU 0/KVM", b ? new TaskSchedStat(6_500_000_000, 1_200_000_000, 150) : new TaskSchedStat(5_000_000_000, 1_000_000_000, 100));
        tree.WriteThread(QemuPid, 4244, "CPU 1/KVM", b ? new TaskSchedStat(5_000_000_000, 2_600_000_000, 90) : new TaskSchedStat(4_000_000_000, 2_000_000_000, 80));
        tree.WriteThread(QemuPid, 4245, "CPU 2/KVM", b ? new TaskSchedStat(1_000_000_000, 1_500_000_000, 10) : new TaskSchedStat(1_000_000_000, 1_000_000_000, 10));
        tree.WriteThread(QemuPid, 4246, "CPU 3/KVM", new TaskSchedStat(900_000_000, 100_000_000, 9));
        tree.WriteThread(QemuPid, 4247, "worker", b ? new TaskSchedStat(9_000_000_000, 9_000_000_000, 10) : new TaskSchedStat(1_000_000_000, 0, 1));
        tree.WriteThread(QemuPid, 4248, "IO mon_iothread", new TaskSchedStat(0, 0, 0));

        if (layout == Cgroups.Unified)
        {
            tree.Write("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
            tree.Write("sys/fs/cgroup/lc/cgroup.procs", "300\n");
            tree.Write("sys/fs/cgroup/lc/cpu.stat", b
                ? "usage_usec 16000000\nuser_usec 12000000\nsystem_usec 4000000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n"
                : "usage_usec 10000000\nuser_usec 8000000\nsystem_usec 2000000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n");
        }
        else
        {
            tree.Write("sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
            tree.Write("sys/fs/cgroup/unified/cpu.stat", "usage_usec 1\nuser_usec 1\nsystem_usec 0\n");
            tree.Write("sys/fs/cgroup/cpuacct/cpuacct.usage", b ? "900000000000\n" : "800000000000\n");
            tree.Write("sys/fs/cgroup/cpuacct/lc/cpuacct.usage", b ? "6000000000\n" : "1000000000\n");
            tree.Write("sys/fs/cgroup/cpuacct/lc/cgroup.procs", "300\n");
        }

        return tree;
    }
}
