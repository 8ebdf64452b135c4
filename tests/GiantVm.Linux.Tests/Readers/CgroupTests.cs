using GiantVm.Linux.Tests.Fixtures;

namespace GiantVm.Linux.Tests.Readers;

public class CgroupTests
{
    [Fact]
    public void Detect_Unified_WhenFsCgroupHoldsControllers()
    {
        using var tree = FakeTree.Create();
        tree.Write("sys/fs/cgroup/cgroup.controllers", "cpu\n");
        var layout = CgroupLayout.Detect(tree.Sys);
        Assert.Equal(CgroupLayoutKind.Unified, layout.Kind);
        Assert.Equal(tree.CgroupRoot, layout.V2Root);
    }

    [Fact]
    public void Detect_Hybrid_WhenControllersAreUnderUnified()
    {
        using var tree = FakeTree.Create();
        tree.Write("sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
        tree.Write("sys/fs/cgroup/cpuacct/cpuacct.usage", "5\n");
        var layout = CgroupLayout.Detect(tree.Sys);
        Assert.Equal(CgroupLayoutKind.Hybrid, layout.Kind);
        Assert.Equal(Path.Combine(tree.CgroupRoot, "unified"), layout.V2Root);
        Assert.Equal(Path.Combine(tree.CgroupRoot, "cpuacct"), layout.V1CpuacctRoot);
    }

    [Fact]
    public void Detect_LegacyAndNone()
    {
        using var legacy = FakeTree.Create();
        legacy.Write("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", "5\n");
        Assert.Equal(CgroupLayoutKind.Legacy, CgroupLayout.Detect(legacy.Sys).Kind);
        using var none = FakeTree.Create();
        Assert.Equal(CgroupLayoutKind.None, CgroupLayout.Detect(none.Sys).Kind);
    }

    [Fact]
    public void Detect_OperatorRootWins()
    {
        using var tree = FakeTree.Create();
        tree.Write("sys/fs/cgroup/cgroup.controllers", "cpu\n");
        var layout = CgroupLayout.Detect(tree.Sys, "/elsewhere");
        Assert.Equal(CgroupLayoutKind.Override, layout.Kind);
        Assert.Equal("/elsewhere", layout.V2Root);
    }

    [Fact]
    public void ReadProcs_IsRecursive_AndPathsAreRelativeToTheRoot()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var cg = new CgroupFs(CgroupLayout.Detect(tree.Sys));
        Assert.Equal([101, 102, 103, 104, 105, 107], cg.ReadProcs("/be"));
        Assert.Equal([101, 102, 103, 105, 107], cg.ReadProcs("be", recursive: false));
        Assert.Equal([1, 2, 101, 102, 103, 104, 105, 107, 200], cg.ReadProcs("/"));
    }

    [Fact]
    public void Paths_WithDotDot_AreRefused()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var cg = new CgroupFs(CgroupLayout.Detect(tree.Sys));
        Assert.Throws<ArgumentException>(() => cg.ReadProcs("be/../../x"));
    }

    [Fact]
    public void CpuStat_AndV1Usage_AreRead()
    {
        using var unified = HostTrees.Create('a');
        Assert.Equal(10_000_000UL, new CgroupFs(CgroupLayout.Detect(unified.Sys)).ReadCpuStat("lc").UsageUsec);
        using var hybrid = HostTrees.Create('a', HostTrees.Cgroups.Hybrid);
        var cg = new CgroupFs(CgroupLayout.Detect(hybrid.Sys));
        Assert.False(cg.V2Exists("lc"));
        Assert.Equal(1_000_000_000UL, cg.TryReadCpuacctUsageNs("lc"));
        Assert.Null(cg.TryReadCpuacctUsageNs("missing"));
    }
}
