using GiantVm.Linux.Deltas;
using GiantVm.Linux.Tests.Fixtures;

namespace GiantVm.Linux.Tests.Readers;

/// <summary>Readers and deltas over the generated 4-node and 8-node guest trees (two snapshots, known figures).</summary>
public class FakeTreeReaderTests
{
    [Fact]
    public void FourNodeGuest_StealAndBusyPerNode_MatchTheGeneratedFigures()
    {
        using var a = GuestTrees.FourNode.Create('a');
        using var b = GuestTrees.FourNode.Create('b');
        var deltas = CpuDeltas.Compute(new ProcFs(a.Proc).ReadStat(), new ProcFs(b.Proc).ReadStat(), GuestTrees.IntervalSeconds, CpuDeltaRules.Default);
        var ratios = NodeCpuRatios.Compute(deltas, new SysFs(b.Sys).ReadNumaTopology());
        Assert.Equal(GuestTrees.FourNode.ExpectedSteal, ratios.Select(r => Math.Round(r.StealRatio!.Value, 12)));
        Assert.Equal(GuestTrees.FourNode.ExpectedBusy, ratios.Select(r => Math.Round(r.BusyRatio!.Value, 12)));
    }

    [Fact]
    public void FourNodeGuest_Topology_HasCpuListsAndNodeMemory()
    {
        using var b = GuestTrees.FourNode.Create('b');
        var topo = new SysFs(b.Sys).ReadNumaTopology();
        Assert.Equal(["0-3", "4-7", "8-11", "12-15"], topo.Nodes.Select(n => n.CpuList));
        Assert.Equal(GuestTrees.FourNode.ExpectedMemFreeBytes, topo.Nodes.Select(n => n.Memory.MemFreeBytes!.Value));
        Assert.Equal(3, topo.NodeOfCpu(13));
    }

    [Fact]
    public void EightNodeGuest_OfflineAndImpossibleCpus_AreLeftOutOfTheRatios()
    {
        using var a = GuestTrees.EightNode.Create('a', 16);
        using var b = GuestTrees.EightNode.Create('b', 16);
        var deltas = CpuDeltas.Compute(new ProcFs(a.Proc).ReadStat(), new ProcFs(b.Proc).ReadStat(), GuestTrees.IntervalSeconds, CpuDeltaRules.Default);
        Assert.Equal([GuestTrees.EightNode.ImpossibleCpu], deltas.Discarded);
        Assert.Equal([GuestTrees.EightNode.OfflineCpu], deltas.Disappeared);
        var ratios = NodeCpuRatios.Compute(deltas, new SysFs(b.Sys).ReadNumaTopology());
        for (var k = 0; k < 8; k++)
        {
            Assert.Equal(GuestTrees.EightNode.ExpectedSteal(k), ratios[k].StealRatio!.Value, 12);
            Assert.Equal(GuestTrees.EightNode.ExpectedBusy, ratios[k].BusyRatio!.Value, 12);
        }

        Assert.Equal(6, ratios[7].CpusCounted);
    }

    [Fact]
    public void MemoryOnlyNode_HasNoCpus_EvenIfItsCpulistSaysOtherwise()
    {
        using var tree = FakeTree.Create();
        tree.WriteNodes([(0, [0, 1], 100, 50), (1, [], 100, 60)]);
        tree.Write("sys/devices/system/node/node1/cpulist", "2-3\n");
        var topo = new SysFs(tree.Sys).ReadNumaTopology();
        Assert.Empty(topo.Nodes[1].Cpus);
        Assert.Null(topo.NodeOfCpu(2));
    }

    [Fact]
    public void ProcFs_VanishedProcess_ReadsAsNull_NotAnError()
    {
        using var tree = FakeTree.Create();
        tree.Write("proc/77/status", "Name:\tx\n");
        var proc = new ProcFs(tree.Proc);
        Assert.Null(proc.TryReadPidStat(77));
        Assert.Null(proc.TryReadPidStat(78));
        Assert.Null(proc.TryReadNumaMaps(78));
        Assert.Null(proc.TryReadTaskSchedStat(78, 78));
        Assert.Empty(proc.ListTasks(78));
    }

    [Fact]
    public void ProcFs_MalformedPidFile_ThrowsNamingFileAndLine()
    {
        using var tree = FakeTree.Create();
        tree.Write("proc/77/status", "Name:\tx\nThreads:\tlots\n");
        var e = Assert.Throws<ProcParseException>(() => new ProcFs(tree.Proc).TryReadPidStatus(77));
        Assert.Equal(Path.Combine(tree.Proc, "77", "status"), e.Path);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void ProcFs_MissingNumaBalancing_IsMinusOne()
    {
        using var tree = FakeTree.Create();
        Assert.Equal(-1, new ProcFs(tree.Proc).ReadNumaBalancing());
    }
}
