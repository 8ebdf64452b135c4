using GiantVm.Linux;
using GiantVm.Linux.Tests.Fixtures;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Tests.Sensing;

public class BeTaskSelectorTests
{
    private static BeTaskSelector Selector(FakeTree tree, int refresh, int numaMapsEvery = 10, int numaMapsMaxAge = BeTaskSelector.DefaultNumaMapsMaxAge) => new(
        new ProcFs(tree.Proc), new CgroupFs(CgroupLayout.Detect(tree.Sys)), new BeSelection("be/batch1", null, null), null, refresh, numaMapsEvery, numaMapsMaxAge);

    // pid 104's slot for every = 5 is samples 1, 6, 11, ...: read on first sight (sample 1), due again at 6
    private static void SetPagesOnNode(FakeTree tree, int node, ulong pages) =>
        tree.Write("proc/104/numa_maps", NumaMapsLine(node, pages));

    private static string NumaMapsLine(int node, ulong pages) => $"7f0000000000 bind:{node} anon={pages} N{node}={pages} kernelpagesize_kB=4\n";

    // pid 104 with this CPU time and RSS (its stat and status), its pages on one node
    private static void SetTask(FakeTree tree, ulong userTicks, ulong rssKb, int node, ulong pages) =>
        tree.WriteProcess(new FakeProcess(104, "batch", userTicks, 0, 8000, 1, rssKb, "0-3", "0", NumaMaps: NumaMapsLine(node, pages)));

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

    // files held open between samples, as on a real procfs (a fake tree's files are rewritten in place)
    private static BeTaskSelector HoldingSelector(FakeTree tree, int refresh) => new(
        new ProcFs(tree.Proc), new CgroupFs(CgroupLayout.Detect(tree.Sys)), new BeSelection("be/batch1", null, null), null, refresh, keepFilesOpen: true);

    private static void SetRunNs(FakeTree tree, ulong ns) => tree.Write("proc/104/schedstat", $"{ns} 0 1\n");

    private static void SetUserTicks(FakeTree tree, ulong ticks, int threads = 1) =>
        tree.WriteProcess(new FakeProcess(104, "batch", ticks, 0, 8000, 1, 40, "0-3", "0", threads));

    [Fact]
    public void Stat_OfASingleThreadedTaskThatDidNotRun_IsNotReRead_UntilItRuns()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        SetRunNs(tree, 5_000_000);
        var selector = HoldingSelector(tree, refresh: 100);
        Assert.Equal(200UL, selector.Read(false).Single().Stat.UserTicks);
        SetUserTicks(tree, 300); // stat changed, schedstat did not: cannot happen for real, shows the stat is not read
        Assert.Equal(200UL, selector.Read(false).Single().Stat.UserTicks);
        SetRunNs(tree, 6_000_000); // it ran
        Assert.Equal(300UL, selector.Read(false).Single().Stat.UserTicks);
    }

    [Fact]
    public void Stat_OfAnIdleTask_IsStillReReadEveryRefreshPeriod()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        SetRunNs(tree, 5_000_000);
        var selector = HoldingSelector(tree, refresh: 4);
        selector.Read(false); // sample 1; pid 104's slot for 4 is samples 4, 8, ...: the first due one is 8
        SetUserTicks(tree, 300);
        var seen = Enumerable.Range(2, 7).Select(_ => selector.Read(false).Single().Stat.UserTicks).ToList();
        Assert.Equal([200UL, 200, 200, 200, 200, 200, 300], seen); // samples 2..8
    }

    [Fact]
    public void Stat_OfAMultiThreadedTask_IsReadEverySample()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        SetUserTicks(tree, 200, threads: 2);
        SetRunNs(tree, 5_000_000); // the main thread's runtime says nothing about the others
        var selector = HoldingSelector(tree, refresh: 100);
        selector.Read(false);
        SetUserTicks(tree, 300, threads: 2);
        Assert.Equal(300UL, selector.Read(false).Single().Stat.UserTicks);
    }

    [Fact]
    public void Stat_WithoutFilesHeldOpen_IsReadEverySample()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        SetRunNs(tree, 5_000_000);
        var selector = Selector(tree, refresh: 100); // a fake tree: every read opens the path, so no instance is known
        selector.Read(false);
        SetUserTicks(tree, 300);
        Assert.Equal(300UL, selector.Read(false).Single().Stat.UserTicks);
    }

    [Fact]
    public void NumaMaps_IsReadOnFirstSight()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var task = Selector(tree, refresh: 100, numaMapsEvery: 5).Read(true).Single();
        Assert.Equal(10UL, task.NumaMaps!.PagesPerNode[0]);
    }

    [Fact]
    public void NumaMaps_OfATaskThatRuns_IsNotReReadBeforeNSamples_AndIsReReadAfterN()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100, numaMapsEvery: 5);
        Assert.Equal(10UL, Pages(selector, 0)); // sample 1
        SetTask(tree, userTicks: 300, rssKb: 40, node: 3, pages: 77); // it ran and its pages moved
        for (var sample = 2; sample <= 5; sample++)
        {
            Assert.Equal(10UL, Pages(selector, 0)); // cached: the old pages per node
        }

        Assert.Equal(77UL, Pages(selector, 3)); // sample 6: five samples after the last read
        SetTask(tree, userTicks: 400, rssKb: 40, node: 2, pages: 5);
        for (var sample = 7; sample <= 10; sample++)
        {
            Assert.Equal(77UL, Pages(selector, 3));
        }

        Assert.Equal(5UL, Pages(selector, 2)); // sample 11
    }

    [Fact]
    public void NumaMaps_OfATaskThatNeitherRanNorChangedItsRss_IsReReadOnlyAtTheMaxAge()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100, numaMapsEvery: 5, numaMapsMaxAge: 20);
        Assert.Equal(10UL, Pages(selector, 0)); // sample 1
        SetPagesOnNode(tree, 3, 77); // moved by someone else: its stat says the same
        for (var sample = 2; sample <= 20; sample++)
        {
            Assert.Equal(10UL, Pages(selector, 0)); // samples 6, 11, 16 are its every-5 slots: not due, nothing changed
        }

        // pid 104's slot for every = 20 is samples 16, 36, ...: 16 is under 20 samples after the read
        for (var sample = 21; sample <= 35; sample++)
        {
            Assert.Equal(10UL, Pages(selector, 0));
        }

        Assert.Equal(77UL, Pages(selector, 3)); // sample 36
    }

    [Fact]
    public void NumaMaps_AChangedRssAloneMakesItDueOnTheEverySchedule()
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100, numaMapsEvery: 5, numaMapsMaxAge: 1000);
        Assert.Equal(10UL, Pages(selector, 0)); // sample 1
        SetTask(tree, userTicks: 200, rssKb: 4000, node: 1, pages: 1000); // same CPU time, more resident
        for (var sample = 2; sample <= 5; sample++)
        {
            Assert.Equal(10UL, Pages(selector, 0));
        }

        Assert.Equal(1000UL, Pages(selector, 1)); // sample 6
    }

    [Theory]
    [InlineData(BeTaskSelector.DefaultNumaMapsMaxAge, true)] // N = 1: every sample for a task that runs
    [InlineData(1, false)]                                   // N = max age = 1: every sample, ran or not
    public void NumaMaps_EverySample_WhenNIsOne(int maxAge, bool ran)
    {
        using var tree = GuestTrees.FourNode.Create('a');
        var selector = Selector(tree, refresh: 100, numaMapsEvery: 1, numaMapsMaxAge: maxAge);
        Assert.Equal(10UL, Pages(selector, 0));
        if (ran)
        {
            SetTask(tree, userTicks: 201, rssKb: 40, node: 1, pages: 8);
        }
        else
        {
            SetPagesOnNode(tree, 1, 8);
        }

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
