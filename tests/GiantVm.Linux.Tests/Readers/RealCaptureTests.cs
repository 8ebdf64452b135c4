using GiantVm.Linux.Deltas;
using GiantVm.Linux.Tests.Fixtures;

namespace GiantVm.Linux.Tests.Readers;

/// <summary>Readers over files captured from a real Linux 6.18 machine (scripts/capture-fixtures.sh).</summary>
public class RealCaptureTests
{
    [Theory]
    [InlineData('a')]
    [InlineData('b')]
    public void ProcFs_ReadsEveryGlobalFile(char snapshot)
    {
        var proc = new ProcFs(RealCapture.Proc(snapshot));
        var stat = proc.ReadStat();
        Assert.NotEmpty(stat.Cpus);
        Assert.True(stat.Aggregate.Total > 0);
        Assert.True(proc.ReadMemInfo().MemTotalBytes > 0);
        Assert.True(proc.ReadLoadAvg().Threads > 0);
        Assert.True(proc.ReadUptime()!.UptimeSeconds > 0);
        Assert.InRange(proc.ReadNumaBalancing(), 0, 3);
    }

    [Fact]
    public void ProcFs_ReadsTheBeProcess_WhoseCommHasSpacesAndParentheses()
    {
        var proc = new ProcFs(RealCapture.Proc('a'));
        var pid = RealCapture.BePid('a');
        var stat = proc.TryReadPidStat(pid)!;
        Assert.Equal("be (x) y", stat.Comm);
        Assert.True(stat.StartTime > 0);
        Assert.True(stat.Processor >= 0);
        var status = proc.TryReadPidStatus(pid)!;
        Assert.Equal("be (x) y", status.Name);
        Assert.NotEmpty(ListFormat.Parse(status.CpusAllowedList));
        Assert.True(status.VmRssBytes > 0);
        var maps = proc.TryReadNumaMaps(pid)!;
        Assert.NotNull(maps.DominantNode);
        Assert.True(maps.TotalBytes > 0);
        Assert.Equal([pid], proc.ListTasks(pid));
        Assert.NotNull(proc.TryReadTaskSchedStat(pid, pid));
        Assert.Equal("be (x) y", proc.TryReadTaskComm(pid, pid));
    }

    [Fact]
    public void ProcFs_ListsOnlyNumericEntries() =>
        Assert.Equal(2, new ProcFs(RealCapture.Proc('a')).ListPids().Count);

    [Fact]
    public void SysFs_ReadsTheTopology_WithEveryCpuOfProcStatInANode()
    {
        var topology = new SysFs(RealCapture.Sys('a')).ReadNumaTopology();
        Assert.NotEmpty(topology.Nodes);
        Assert.All(topology.Nodes, n => Assert.True(n.Memory.MemTotalBytes > 0));
        var stat = new ProcFs(RealCapture.Proc('a')).ReadStat();
        Assert.All(stat.Cpus, c => Assert.NotNull(topology.NodeOfCpu(c.Cpu)));
    }

    [Fact]
    public void Cgroups_DetectsTheHybridLayoutOfThisMachine_AndReadsBothVersions()
    {
        var layout = CgroupLayout.Detect(RealCapture.Sys('a'));
        Assert.Equal(CgroupLayoutKind.Hybrid, layout.Kind);
        var cg = new CgroupFs(layout);
        Assert.True(cg.ReadCpuStat("/").UsageUsec > 0);
        Assert.True(cg.TryReadCpuacctUsageNs("/") > 0);
        Assert.Contains(RealCapture.BePid('a'), cg.ReadProcs("/"));
    }

    [Fact]
    public void Deltas_BetweenTheTwoRealSnapshots_AreSane()
    {
        var a = new ProcFs(RealCapture.Proc('a')).ReadStat();
        var b = new ProcFs(RealCapture.Proc('b')).ReadStat();
        var deltas = CpuDeltas.Compute(a, b, 1.0, new CpuDeltaRules(UserHz: 100, Tolerance: 0.5));
        Assert.Equal(a.Cpus.Count, deltas.Valid.Count);
        var ratios = NodeCpuRatios.Compute(deltas, new SysFs(RealCapture.Sys('b')).ReadNumaTopology());
        Assert.All(ratios, r =>
        {
            Assert.InRange(r.StealRatio!.Value, 0, 1);
            Assert.InRange(r.BusyRatio!.Value, 0, 1);
        });
    }
}
