using GiantVm.Linux;
using GiantVm.Linux.Tests.Fixtures;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Tests.Sensing;

public class BeTaskSelectorTests
{
    private static BeTaskSelector Selector(FakeTree tree, int refresh) => new(
        new ProcFs(tree.Proc), new CgroupFs(CgroupLayout.Detect(tree.Sys)), new BeSelection("be/batch1", null, null), null, refresh);

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
}
