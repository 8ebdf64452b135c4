using System.Globalization;

namespace GiantVm.Linux.Tests.Fixtures;

/// <summary>
/// Generated guest trees, two snapshots each ('a' at t=0, 'b' one second later, USER_HZ 100),
/// with the figures a correct reader must find stated next to the data that produces them.
/// </summary>
internal static class GuestTrees
{
    public const double IntervalSeconds = 1.0;

    /// <summary>Four nodes of four CPUs (node k = CPUs 4k..4k+3), unified cgroup2, BE cgroup "be".</summary>
    public static class FourNode
    {
        // per-CPU deltas over the interval, by node: (user, system, iowait, idle, steal); guest +7 inside user
        private static readonly (ulong User, ulong System, ulong IoWait, ulong Idle, ulong Steal)[] Deltas =
        [
            (20, 5, 5, 70, 0),
            (30, 5, 0, 55, 10),
            (40, 5, 0, 30, 25),
            (10, 5, 0, 35, 50),
        ];

        public static readonly double[] ExpectedSteal = [0.0, 0.10, 0.25, 0.50];
        public static readonly double[] ExpectedBusy = [0.25, 0.35, 0.45, 0.15];
        public static readonly ulong[] ExpectedMemFreeBytes = [.. Enumerable.Range(0, 4).Select(k => (ulong)(1_000_000 + (100_000 * k)) * 1024)];
        public const ulong MemTotalBytes = 4194304UL * 1024;

        /// <summary>The BE tasks of snapshot b (pid 105 vanished; 106 is new; 107 is a new process reusing a pid).</summary>
        public static readonly (int Pid, string Comm, int Node, string Source, double Cores)[] ExpectedTasks =
        [
            (101, "worker a", 1, "numa_maps", 0.5),
            (102, "x) (y", 2, "numa_maps", 1.0),
            (103, "sleeper", 3, "last_cpu", 0.0),
            (104, "batch", 0, "numa_maps", 0.25),
            (106, "fresh", 1, "numa_maps", 0.3),
            (107, "reused", 0, "last_cpu", 0.1),
        ];

        public const int NumaBalancing = 1;

        public static FakeTree Create(char snapshot)
        {
            var b = snapshot == 'b';
            var tree = FakeTree.Create("guest4" + snapshot);
            tree.WriteStat(Enumerable.Range(0, 16).Select(c =>
            {
                var node = c / 4;
                var t = new CpuTimes((ulong)(1000 + c), 0, 500, 10000, 50, 0, 10, (ulong)(100 * node), 7, 0);
                if (b)
                {
                    var d = Deltas[node];
                    t = t + new CpuTimes(d.User, 0, d.System, d.Idle, d.IoWait, 0, 0, d.Steal, 7, 0);
                }

                return (c, t);
            }));
            tree.WriteUptime(b ? 1001.0 : 1000.0);
            tree.WriteMemInfo(16777216, 4000000, 5000000);
            tree.WriteNumaBalancing(NumaBalancing);
            tree.WriteNodes([.. Enumerable.Range(0, 4).Select(k =>
                (k, Enumerable.Range(4 * k, 4).ToArray(), 4194304UL, (ulong)(b ? 1_000_000 + (100_000 * k) : 900_000))) ]);

            tree.Write("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
            tree.Write("sys/fs/cgroup/cgroup.procs", "1\n2\n");
            tree.Write("sys/fs/cgroup/lc/cgroup.procs", "200\n");
            tree.Write("sys/fs/cgroup/be/cgroup.procs", b ? "101\n102\n103\n105\n106\n107\n" : "101\n102\n103\n105\n107\n");
            tree.Write("sys/fs/cgroup/be/batch1/cgroup.procs", "104\n");
            tree.Write("be.pids", "101 102\n");

            tree.WriteProcess(new FakeProcess(1, "init", 50, 50, 1, 0, 1000, "0-15", "0-3"));
            tree.WriteProcess(new FakeProcess(2, "kthreadd", 0, 3, 1, 1, 0, "0-15", "0-3", KernelThread: true, ParentPid: 0));
            tree.WriteProcess(new FakeProcess(200, "lcsvc", 500, 20, 3000, 2, 40000, "0-15", "0-3"));
            tree.WriteProcess(new FakeProcess(101, "worker a", b ? 1040UL : 1000, b ? 110UL : 100, 5000, 5, 1600, "0-15", "0-3", 4,
                "7f0000000000 default anon=400 dirty=400 N0=100 N1=300 kernelpagesize_kB=4\n7f0000400000 default file=/usr/bin/worker\n"));
            tree.WriteProcess(new FakeProcess(102, "x) (y", b ? 3100UL : 3000, 0, 6000, 9, 6096, "8-11", "2",
                NumaMaps: "55f97582c000 default file=/usr/bin/head mapped=2 N2=1000 kernelpagesize_kB=4\n7f1000000000 default file=/anon_hugepage\\040(deleted) huge anon=1 dirty=1 N3=1 kernelpagesize_kB=2048\n7ffd1a2b3000 default stack anon=3 dirty=3 active=0\n"));
            tree.WriteProcess(new FakeProcess(103, "sleeper", 10, 10, 7000, 13, 800, "0-15", "0-3", NumaMaps: "7f0000000000 default anon=3 dirty=3\n"));
            tree.WriteProcess(new FakeProcess(104, "batch", b ? 220UL : 200, b ? 5UL : 0, 8000, 1, 40, "0-3", "0", NumaMaps: "7f0000000000 bind:0 anon=10 N0=10 kernelpagesize_kB=4\n"));
            if (!b)
            {
                tree.WriteProcess(new FakeProcess(105, "gone", 100, 0, 9000, 0, 100, "0-15", "0-3"));
                tree.WriteProcess(new FakeProcess(107, "old", 900, 0, 5000, 6, 100, "0-15", "0-3", NumaMaps: "7f0000000000 default anon=9 N1=9 kernelpagesize_kB=4\n"));
            }
            else
            {
                tree.WriteProcess(new FakeProcess(106, "fresh", 20, 10, 100050, 0, 20, "0-15", "0-3", NumaMaps: "7f0000000000 default anon=5 N1=5 kernelpagesize_kB=4\n"));
                tree.WriteProcess(new FakeProcess(107, "reused", 10, 0, 100020, 2, 100, "0-15", "0-3"));
            }

            return tree;
        }
    }

    /// <summary>
    /// Eight nodes of eight CPUs (node k = CPUs 8k..8k+7) with <c>taskCount</c> BE tasks in cgroup
    /// "be" and 20 other processes. In snapshot b CPU 63 is offline and CPU 62 grew impossibly.
    /// Task i (pid 1000+i, comm "be-{i%7}") lives on node i%8 and used (i%50)/100 cores.
    /// </summary>
    public static class EightNode
    {
        public const int OfflineCpu = 63;
        public const int ImpossibleCpu = 62;

        public static double ExpectedSteal(int node) => 0.05 * node;

        public const double ExpectedBusy = 0.5;

        public static int ExpectedNode(int i) => i % 8;

        public static double ExpectedCores(int i) => (i % 50) / 100.0;

        public static FakeTree Create(char snapshot, int taskCount)
        {
            var b = snapshot == 'b';
            var tree = FakeTree.Create("guest8" + snapshot);
            tree.WriteStat(Enumerable.Range(0, 64).Where(c => !b || c != OfflineCpu).Select(c =>
            {
                var node = (ulong)(c / 8);
                var t = new CpuTimes(5000, 10, 1000, 50000, 20, 0, 30, 200, 0, 0);
                if (b)
                {
                    t = t + new CpuTimes(c == ImpossibleCpu ? 1000UL : 40, 0, 10, 50 - (5 * node), 0, 0, 0, 5 * node, 0, 0);
                }

                return (c, t);
            }));
            tree.WriteUptime(b ? 20001.0 : 20000.0);
            tree.WriteMemInfo(67108864, 30000000, 40000000);
            tree.WriteNumaBalancing(0);
            tree.WriteNodes([.. Enumerable.Range(0, 8).Select(k => (k, Enumerable.Range(8 * k, 8).ToArray(), 8388608UL, 4000000UL))]);
            tree.Write("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
            tree.Write("sys/fs/cgroup/be/cgroup.procs", string.Concat(Enumerable.Range(0, taskCount).Select(i => Inv($"{1000 + i}\n"))));
            for (var i = 0; i < taskCount; i++)
            {
                var node = i % 8;
                var cpu = (node * 8) + (i % 8);
                var ticks = 10_000UL + (ulong)(b ? i % 50 : 0);
                var maps = Inv($"55d000000000 default file=/usr/bin/python3 mapped=200 mapmax={taskCount} N{(node + 1) % 8}=10 kernelpagesize_kB=4\n")
                    + Inv($"55d000400000 default heap anon={1000 + i} dirty={1000 + i} active=0 N{node}={1000 + i} kernelpagesize_kB=4\n")
                    + "7ffd00000000 default stack anon=3 dirty=3 active=0 N" + Inv($"{node}") + "=3 kernelpagesize_kB=4\n"
                    + "7ffd00100000 default\n";
                tree.WriteProcess(new FakeProcess(1000 + i, Inv($"be-{i % 7}"), ticks, 100, 5000 + (ulong)i, cpu, (ulong)(4 * (1013 + i)), Inv($"{node * 8}-{(node * 8) + 7}"), Inv($"{node}"), 2, maps), withTaskDir: false);
            }

            for (var j = 0; j < 20; j++)
            {
                tree.WriteProcess(new FakeProcess(100 + j, "sshd", 5, 5, 300, 0, 5000, "0-63", "0-7"), withTaskDir: false);
            }

            return tree;
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
