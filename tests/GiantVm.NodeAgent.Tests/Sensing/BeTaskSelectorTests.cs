using GiantVm.Linux;
using GiantVm.Linux.Tests.Fixtures;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Tests.Sensing;

public class BeTaskSelectorTests
{
    private static BeTaskSelector Selector(FakeTree tree, int refresh, int numaMapsEvery = 10) => new(
        new ProcFs(tree.Proc), new CgroupFs(CgroupLayout.Detect(tree.Sys)), new BeSelection("be/batch1", null, null), null, refresh, numaMapsEvery);

    // pid 104's slot for every = 5 is samples 1, 6, 11, ...: read on first sight (sample 1), due again at 6
    private static void SetPagesOnNode(FakeTree tree, int node, ulong pages) =>
        tree.Write("proc/104/numa_maps", $"7f0000000000 bind:{node} anon={pages} N{node}={pages} kernelpagesize_kB=4\n");

    private static ulong Pages(BeTaskSelector selector, int node) =>
        selector.Read(true).Single().NumaMaps!.PagesPerNode.GetValueOrDefault(node);

    private static void SetAffinity(FakeTree tree, string cpus) =>
        tree.Write("proc/104/status", $"Name:\tbatch\nVmRSS:\t40 kB\nThreads:\t1\nCpus_allowed_list:\t{cpus}\nMems_allowed_list:\t0\n");

    [Fact]
    public void Status_IsReadOnFirstSight_ThenReusedUntilTheRefreshPeriod()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 2);
        Assert.Equal("0-3", selector.Read(false).Single().Status.CpusAllowedList);
        SetAffinity(tree, "12-15");
        Assert.Equal("0-3", selector.Read(false).Single().Status.CpusAllowedList);   // cached
        Assert.Equal("12-15", selector.Read(false).Single().Status.CpusAllowedList); // two samples later: re-read
    }

    [Fact]
    public void Status_IsReReadAfterInvalidate_AndForANewProcessInstance()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100);
        selector.Read(false);
        SetAffinity(tree, "4-7");
        selector.Invalidate(104);
        Assert.Equal("4-7", selector.Read(false).Single().Status.CpusAllowedList);

        SetAffinity(tree, "8-11");
        tree.WriteProcess(new FakeProcess(104, "batch", 1, 1, 999_999, 9, 40, "8-11", "2")); // same pid, new start time
        Assert.Equal("8-11", selector.Read(false).Single().Status.CpusAllowedList);
    }

    [Fact]
    public void StatIsFreshEverySample_EvenWhileStatusIsCached()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100);
        Assert.Equal(200UL, selector.Read(false).Single().Stat.UserTicks);
        tree.WriteProcess(new FakeProcess(104, "batch", 260, 0, 8000, 1, 40, "0-3", "0"));
        Assert.Equal(260UL, selector.Read(false).Single().Stat.UserTicks);
    }

    [Fact]
    public void NumaMaps_IsReadOnFirstSight()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var task = Selector(tree, refresh: 100, numaMapsEvery: 5).Read(true).Single();
        Assert.Equal(10UL, task.NumaMaps!.PagesPerNode[0]);
    }

    [Fact]
    public void NumaMaps_IsNotReReadBeforeNSamples_AndIsReReadAfterN()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100, numaMapsEvery: 5);
        Assert.Equal(10UL, Pages(selector, 0)); // sample 1
        SetPagesOnNode(tree, 3, 77);
        for (var sample = 2; sample <= 5; sample++)
        {
            Assert.Equal(10UL, Pages(selector, 0)); // cached: the old pages per node
        }

        Assert.Equal(77UL, Pages(selector, 3)); // sample 6: five samples after the last read
        SetPagesOnNode(tree, 2, 5);
        for (var sample = 7; sample <= 10; sample++)
        {
            Assert.Equal(77UL, Pages(selector, 3));
        }

        Assert.Equal(5UL, Pages(selector, 2)); // sample 11
    }

    [Fact]
    public void NumaMaps_EverySampleWhenNIsOne()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100, numaMapsEvery: 1);
        Assert.Equal(10UL, Pages(selector, 0));
        SetPagesOnNode(tree, 1, 8);
        Assert.Equal(8UL, Pages(selector, 1));
    }

    [Fact]
    public void Invalidate_ForcesANumaMapsAndStatusReReadOnTheNextSample()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100, numaMapsEvery: 100);
        selector.Read(true);
        SetPagesOnNode(tree, 3, 42);
        SetAffinity(tree, "12-15");
        Assert.Equal(10UL, Pages(selector, 0));

        selector.Invalidate(104);
        var task = selector.Read(true).Single();

        Assert.Equal(42UL, task.NumaMaps!.PagesPerNode[3]);
        Assert.Equal("12-15", task.Status.CpusAllowedList);
    }

    [Fact]
    public async Task Invalidate_FromAnotherThreadWhileSampling_IsSafeAndTakesEffect()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100, numaMapsEvery: 100);
        selector.Read(true);
        SetPagesOnNode(tree, 2, 9);
        var invalidator = Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                selector.Invalidate(104);
            }
        }, TestContext.Current.CancellationToken);
        while (!invalidator.IsCompleted)
        {
            selector.Read(true);
        }

        await invalidator;
        selector.Invalidate(104);
        Assert.Equal(9UL, Pages(selector, 2));
    }

    [Fact]
    public void NumaMaps_IsReReadForANewProcessInstanceOfTheSamePid()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100, numaMapsEvery: 100);
        Assert.Equal(10UL, Pages(selector, 0));
        tree.WriteProcess(new FakeProcess(104, "batch", 1, 1, 999_999, 9, 40, "0-3", "0", NumaMaps: "7f0000000000 default anon=6 N1=6 kernelpagesize_kB=4\n"));
        Assert.Equal(6UL, Pages(selector, 1));
    }
}
