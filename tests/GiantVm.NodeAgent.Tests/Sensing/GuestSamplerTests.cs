using GiantVm.Linux.Tests.Fixtures;

namespace GiantVm.NodeAgent.Tests.Sensing;

public class GuestSamplerTests
{
    [Fact]
    public void FourNodeGuest_ReportsStealBusyAndMemoryPerNode()
    {
        using var a = GuestTrees.FourNode.Create('a');
        using var b = GuestTrees.FourNode.Create('b');
        var r = Samplers.Guest(a, b, GuestTrees.IntervalSeconds, s => s with { BeCgroup = "be" });
        Assert.Equal(["0-3", "4-7", "8-11", "12-15"], r.Nodes.Select(n => n.Cpus));
        Assert.Equal(GuestTrees.FourNode.ExpectedSteal, r.Nodes.Select(n => Math.Round(n.StealRatio!.Value, 12)));
        Assert.Equal(GuestTrees.FourNode.ExpectedBusy, r.Nodes.Select(n => Math.Round(n.BusyRatio!.Value, 12)));
        Assert.All(r.Nodes, n => Assert.Equal(GuestTrees.FourNode.MemTotalBytes, n.MemTotalBytes));
        Assert.Equal(GuestTrees.FourNode.ExpectedMemFreeBytes, r.Nodes.Select(n => n.MemFreeBytes));
        Assert.Equal(GuestTrees.FourNode.NumaBalancing, r.NumaBalancing);
        Assert.Equal(1.0, r.IntervalSeconds);
    }

    [Fact]
    public void FourNodeGuest_BeTasksOfTheCgroupTree_WithNodeAndCores_SkippingTheVanishedOne()
    {
        using var a = GuestTrees.FourNode.Create('a');
        using var b = GuestTrees.FourNode.Create('b');
        var r = Samplers.Guest(a, b, GuestTrees.IntervalSeconds, s => s with { BeCgroup = "/be" });
        var actual = r.Tasks.Select(t => (t.Pid, t.Comm, t.Node ?? -1, t.NodeSource, Math.Round(t.CpuCores, 12))).ToArray();
        Assert.Equal(GuestTrees.FourNode.ExpectedTasks, actual);

        var x = r.Tasks.Single(t => t.Pid == 102);
        Assert.Equal(new Dictionary<int, ulong> { [2] = 1000, [3] = 1 }, x.PagesPerNode);
        Assert.Equal(6096UL * 1024, x.RssBytes);
        Assert.Equal("8-11", x.CpusAllowed);
        Assert.Equal(6000UL, x.StartTime);
    }

    [Fact]
    public void WithoutNumaMaps_TheNodeIsTheLastCpusNode()
    {
        using var a = GuestTrees.FourNode.Create('a');
        using var b = GuestTrees.FourNode.Create('b');
        var r = Samplers.Guest(a, b, GuestTrees.IntervalSeconds, s => s with { BeCgroup = "be", NumaMaps = false });
        var worker = r.Tasks.Single(t => t.Pid == 101); // last ran on CPU 5, pages mostly on node 1
        Assert.Equal(1, worker.Node);
        Assert.Equal("last_cpu", worker.NodeSource);
        Assert.Null(worker.PagesPerNode);
        Assert.Equal(2, r.Tasks.Single(t => t.Pid == 102).Node); // CPU 9
    }

    [Theory]
    [InlineData(null, "^(worker a|batch)$", false, new[] { 101, 104 })]
    [InlineData(null, null, true, new[] { 101, 102 })]
    [InlineData(null, "^fresh$", true, new[] { 101, 102, 106 })]
    [InlineData("be/batch1", null, false, new[] { 104 })]
    [InlineData(null, ".*", false, new[] { 101, 102, 103, 104, 106, 107, 200 })] // never pid 1 nor the kernel thread (pid 2)
    [InlineData(null, null, false, new int[0])]
    public void Selection_IsTheUnionOfTheCriteriaGiven(string? cgroup, string? comm, bool pidFile, int[] expected)
    {
        using var a = GuestTrees.FourNode.Create('a');
        using var b = GuestTrees.FourNode.Create('b');
        var r = Samplers.Guest(a, b, GuestTrees.IntervalSeconds, s => s with
        {
            BeCgroup = cgroup,
            BeComm = comm,
            BePidFile = pidFile ? Path.Combine(s.ProcRoot, "..", "be.pids") : null,
        });
        Assert.Equal(expected, r.Tasks.Select(t => t.Pid));
    }

    [Fact]
    public void EightNodeGuest_WithHundredsOfTasks_PlacesEachTaskAndMeasuresItsCpu()
    {
        const int tasks = 300;
        using var a = GuestTrees.EightNode.Create('a', tasks);
        using var b = GuestTrees.EightNode.Create('b', tasks);
        var r = Samplers.Guest(a, b, GuestTrees.IntervalSeconds, s => s with { BeCgroup = "be" });
        Assert.Equal(tasks, r.Tasks.Count);
        for (var i = 0; i < tasks; i++)
        {
            var t = r.Tasks[i];
            Assert.Equal(1000 + i, t.Pid);
            Assert.Equal(GuestTrees.EightNode.ExpectedNode(i), t.Node);
            Assert.Equal(GuestTrees.EightNode.ExpectedCores(i), t.CpuCores, 12);
        }

        for (var k = 0; k < 8; k++)
        {
            Assert.Equal(GuestTrees.EightNode.ExpectedSteal(k), r.Nodes[k].StealRatio!.Value, 12);
        }

        Assert.Equal([GuestTrees.EightNode.ImpossibleCpu], r.DiscardedCpus);
        Assert.Equal([GuestTrees.EightNode.OfflineCpu], r.ChangedCpus);
    }
}
