using GiantVm.Linux.Tests.Fixtures;

namespace GiantVm.NodeAgent.Tests.Sensing;

public class HostSamplerTests
{
    [Fact]
    public void Host_WithQemuFoundByName_ReportsBusyQemuLcAndVcpuSteal()
    {
        using var a = HostTrees.Create('a');
        using var b = HostTrees.Create('b');
        var r = Samplers.Host(a, b, HostTrees.IntervalSeconds, s => s with { NodeId = 2 });
        Assert.Equal(2, r.NodeId);
        Assert.Equal(HostTrees.CpuCount, r.CpuCount);
        Assert.Equal(HostTrees.ExpectedBusyCores, r.BusyCores, 12);
        Assert.Equal(HostTrees.QemuPid, r.QemuPid);
        Assert.Equal(HostTrees.ExpectedQemuCores, r.QemuCores!.Value, 12);
        Assert.Equal(HostTrees.ExpectedLcFromBusyMinusQemu, r.LcBusyCores!.Value, 12);
        Assert.Equal("host-busy-minus-qemu", r.LcSource);
        Assert.Equal(HostTrees.ExpectedVcpuSteal, r.VcpuStealRatio!.Value, 12);
        Assert.Equal(HostTrees.VcpuThreads, r.VcpuThreads);
        Assert.Equal(HostTrees.VcpuThreadsRunning, r.VcpuThreadsRunning);
        Assert.Equal(HostTrees.MemAvailableBytes, r.MemAvailableBytes);
    }

    [Fact]
    public void Host_WithLcCgroupV2_TakesLcFromCpuStat()
    {
        using var a = HostTrees.Create('a');
        using var b = HostTrees.Create('b');
        var r = Samplers.Host(a, b, HostTrees.IntervalSeconds, s => s with { LcCgroup = "/lc" });
        Assert.Equal(HostTrees.ExpectedLcFromCgroupV2, r.LcBusyCores!.Value, 12);
        Assert.Equal("lc-cgroup", r.LcSource);
    }

    [Fact]
    public void Host_WithLcCgroupV2_ReportsLcDemandAsBusyPlusItsThreadsRunDelay()
    {
        using var a = HostTrees.Create('a');
        using var b = HostTrees.Create('b');
        var r = Samplers.Host(a, b, HostTrees.IntervalSeconds, s => s with { LcCgroup = "/lc" });
        Assert.Equal(HostTrees.ExpectedLcDemandFromCgroupV2, r.LcDemandCores!.Value, 12);
    }

    [Fact]
    public void Host_WhenTheLcThreadsWereNotReadableBefore_HasNoLcDemand()
    {
        using var a = HostTrees.Create('a');
        using var b = HostTrees.Create('b');
        a.Delete("proc/300/task"); // the threads could not be read in the first sample
        var r = Samplers.Host(a, b, HostTrees.IntervalSeconds, s => s with { LcCgroup = "/lc" });
        Assert.Equal(HostTrees.ExpectedLcFromCgroupV2, r.LcBusyCores!.Value, 12);
        Assert.Null(r.LcDemandCores);
    }

    [Fact]
    public void Host_WithoutAnLcCgroup_OrOnV1_HasNoLcDemand()
    {
        using var a = HostTrees.Create('a');
        using var b = HostTrees.Create('b');
        Assert.Null(Samplers.Host(a, b, HostTrees.IntervalSeconds, s => s).LcDemandCores);
        using var a1 = HostTrees.Create('a', HostTrees.Cgroups.Hybrid);
        using var b1 = HostTrees.Create('b', HostTrees.Cgroups.Hybrid);
        Assert.Null(Samplers.Host(a1, b1, HostTrees.IntervalSeconds, s => s with { LcCgroup = "lc" }).LcDemandCores);
    }

    [Fact]
    public void Host_OnHybridCgroups_FallsBackToV1CpuacctUsage()
    {
        using var a = HostTrees.Create('a', HostTrees.Cgroups.Hybrid);
        using var b = HostTrees.Create('b', HostTrees.Cgroups.Hybrid);
        var r = Samplers.Host(a, b, HostTrees.IntervalSeconds, s => s with { LcCgroup = "lc" });
        Assert.Equal(HostTrees.ExpectedLcFromCgroupV1, r.LcBusyCores!.Value, 12);
        Assert.Equal("lc-cgroup-v1", r.LcSource);
        Assert.StartsWith("hybrid (cgroup2: ", r.CgroupLayout);
    }

    [Fact]
    public void Host_WithAnotherThreadPattern_CountsOnlyThoseThreads()
    {
        using var a = HostTrees.Create('a');
        using var b = HostTrees.Create('b');
        var r = Samplers.Host(a, b, HostTrees.IntervalSeconds, s => s with { QemuPid = HostTrees.QemuPid, VcpuThreads = "^CPU 0/KVM$" });
        Assert.Equal(1, r.VcpuThreads);
        Assert.Equal(0.1, r.VcpuStealRatio!.Value, 12); // 0.2 s of run delay over 2 s
    }

    [Fact]
    public void Host_WithoutQemu_CountsAllBusyAsLc_AndHasNoVcpuSteal()
    {
        using var a = HostTrees.Create('a');
        using var b = HostTrees.Create('b');
        a.Delete("proc/4242");
        b.Delete("proc/4242");
        var r = Samplers.Host(a, b, HostTrees.IntervalSeconds, s => s);
        Assert.Null(r.QemuPid);
        Assert.Equal("host-busy", r.LcSource);
        Assert.Equal(HostTrees.ExpectedBusyCores, r.LcBusyCores!.Value, 12);
        Assert.Null(r.VcpuStealRatio);
    }

    [Theory]
    [InlineData("qemu-system-x86", true)]
    [InlineData("qemu-system-aar", true)]
    [InlineData("qemu-kvm", true)]
    [InlineData("qemu-img", false)]
    [InlineData("bash", false)]
    public void IsQemu_RecognisesQemuCommandNames(string comm, bool expected) =>
        Assert.Equal(expected, NodeAgent.Sensing.HostSampler.IsQemu(comm));
}
