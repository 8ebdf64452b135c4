using GiantVm.Linux;
using GiantVm.NodeAgent.Execution;
using Moq;

namespace GiantVm.NodeAgent.Tests.Execution;

/// <summary>A Moq'd <see cref="ITaskInspector"/>: one process on a two-node machine (node 0: CPUs 0-1, node 1: CPUs 2-3).</summary>
internal static class FakeTask
{
    public const int Pid = 4242;
    public const ulong StartTime = 777;

    public static NumaTopology TwoNodes() => new([
        new NumaNode(0, [0, 1], new MemInfo(new Dictionary<string, ulong>())),
        new NumaNode(1, [2, 3], new MemInfo(new Dictionary<string, ulong>())),
        new NumaNode(2, [], new MemInfo(new Dictionary<string, ulong>())),
    ]);

    public static PidStat Stat(int pid = Pid, ulong start = StartTime, uint flags = 0, char state = 'S') =>
        new(pid, "be-worker", state, 1, flags, 10, 5, 2, start, 100, 0);

    public static PidStatus Status(string cpus) => new("be-worker", cpus, "0-1", 409600, 2);

    public static NumaMaps Maps(params (int Node, ulong Pages)[] pages) =>
        new(pages.ToDictionary(p => p.Node, p => p.Pages), pages.ToDictionary(p => p.Node, p => p.Pages * 4096));

    /// <summary>A BE task on CPUs 0-1 with 100 pages on node 0, threads 4242 and 4243.</summary>
    public static Mock<ITaskInspector> Inspector(bool isBe = true)
    {
        var m = new Mock<ITaskInspector>();
        m.Setup(i => i.Stat(Pid)).Returns(Stat());
        m.Setup(i => i.Status(Pid)).Returns(Status("0-1"));
        m.Setup(i => i.ThreadStatus(Pid, It.IsAny<int>())).Returns(Status("0-1"));
        m.Setup(i => i.NumaMaps(Pid)).Returns(Maps((0, 100)));
        m.Setup(i => i.Threads(Pid)).Returns([Pid, Pid + 1]);
        m.Setup(i => i.Topology()).Returns(TwoNodes());
        m.Setup(i => i.IsBe(It.IsAny<PidStat>())).Returns(isBe);
        return m;
    }

    public static MigrationRequest Request(int toNode = 1, int pid = Pid, ulong start = StartTime, string id = "c1", DateTimeOffset? deadline = null, bool dryRun = false) =>
        new(id, "m1", "giantvm", pid, start, "be-worker", [0], toNode, dryRun, deadline);
}
