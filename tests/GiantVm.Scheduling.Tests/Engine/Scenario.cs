using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Scheduling.Tests.Engine;

/// <summary>Small builders for snapshots and policies in the engine tests.</summary>
internal static class Scenario
{
    public const long MiB = 1L << 20;
    public const long GiB = 1L << 30;

    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static NodeSnapshot Node(int id, double steal, double? age = 1, bool drained = false, long? free = 8 * GiB) =>
        new(id, steal) { AgeSeconds = age, Drained = drained, MemFreeBytes = free, MemTotalBytes = 16 * GiB, Cpus = $"{id * 4}-{(id * 4) + 3}" };

    public static TaskSnapshot Task(int pid, int node, double? cpu = 1.0, long? rss = 100 * MiB) =>
        new(pid, node) { StartTime = (ulong)(pid * 10), Comm = $"be-{pid}", CpuCores = cpu, RssBytes = rss };

    public static Snapshot Snap(double atSeconds, IEnumerable<NodeSnapshot> nodes, IEnumerable<TaskSnapshot> tasks) =>
        new(T0.AddSeconds(atSeconds), nodes.ToList(), tasks.ToList());

    /// <summary>Loose caps and no anti-flap, so a test sees exactly the rule it is about.</summary>
    public static Policy Loose(PolicyMode mode = PolicyMode.Balanced) => Policy.Default with
    {
        Mode = mode,
        MaxPerRound = 100,
        MaxPerNodePerRound = 100,
        MaxPerMinute = 1000,
        MinCpuCores = 0,
        Cooldown = TimeSpan.Zero,
        ReturnBlock = TimeSpan.Zero,
    };

    /// <summary>One round on a snapshot whose steal values are taken as sustained (plan's single-snapshot mode).</summary>
    public static DecideResult Now(Snapshot snapshot, Policy policy) =>
        DecisionEngine.Decide(snapshot, policy, DecisionState.Sustained(snapshot, policy));

    public static string Moves(DecideResult result) =>
        string.Join(" ", result.Decisions.Select(d => $"{d.Pid}:{d.From}->{d.To}"));
}
