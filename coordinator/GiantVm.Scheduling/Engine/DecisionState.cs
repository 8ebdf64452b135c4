using System.Collections.Immutable;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// Everything <see cref="DecisionEngine.Decide"/> carries from one round to the next (immutable):
/// per-node EMA and hysteresis, each task's last move (cooldown, return block), the moves of the
/// last minute (per-minute cap), and the random mode's generator state.
/// </summary>
public sealed record DecisionState
{
    public static DecisionState Empty { get; } = new();

    /// <summary>The time of the last round (the snapshot clock); null before the first.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>Rounds decided so far.</summary>
    public long Round { get; init; }

    public ImmutableSortedDictionary<int, NodeSignal> Nodes { get; init; } = ImmutableSortedDictionary<int, NodeSignal>.Empty;

    /// <summary>The last move of each task, by pid (see <see cref="MoveRecord.IsTask"/>).</summary>
    public ImmutableDictionary<int, MoveRecord> LastMoves { get; init; } = ImmutableDictionary<int, MoveRecord>.Empty;

    /// <summary>Moves of the last 60 s, oldest first (the per-minute cap).</summary>
    public ImmutableList<MoveRecord> RecentMoves { get; init; } = [];

    /// <summary>With <c>migrate.age_credit</c> or <c>migrate.persist_age</c>: when each task of the last snapshot was first seen, by pid
    /// (tasks no longer in the snapshot are forgotten); empty otherwise.</summary>
    public ImmutableDictionary<int, TaskSighting> Sightings { get; init; } = ImmutableDictionary<int, TaskSighting>.Empty;

    /// <summary>The random mode's generator state; null until first used (then seeded from the policy).</summary>
    public ulong? RandomState { get; init; }

    /// <summary>
    /// Records a move that was executed (the coordinator rebuilds cooldowns from its journal with
    /// it, manual moves go through it). <see cref="DecisionEngine.Decide"/> already records its own
    /// decisions; recording one of them again changes nothing.
    /// </summary>
    public DecisionState WithMove(int pid, ulong? startTime, int from, int to, DateTimeOffset time)
    {
        var record = new MoveRecord(pid, startTime, from, to, time);
        if (RecentMoves.Contains(record))
        {
            return this;
        }

        var last = LastMoves.TryGetValue(pid, out var existing) && existing.Time > time
            ? LastMoves
            : LastMoves.SetItem(pid, record);
        var recent = RecentMoves.Add(record).Sort((a, b) => a.Time.CompareTo(b.Time));
        return this with { LastMoves = last, RecentMoves = recent };
    }

    /// <summary>
    /// The state in which <paramref name="snapshot"/>'s steal values are already smoothed and the
    /// hysteresis satisfied (a node above <c>steal_high</c> is hot, one below <c>steal_low</c> cool):
    /// <c>giantvmctl plan</c>'s "what would you do now?" for a single snapshot.
    /// </summary>
    public static DecisionState Sustained(Snapshot snapshot, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        var nodes = ImmutableSortedDictionary.CreateBuilder<int, NodeSignal>();
        var demand = policy.LcHarm ? DecisionEngine.BeDemandByNode(snapshot) : null;
        foreach (var node in snapshot.Nodes)
        {
            var reading = DecisionEngine.Reading(node, policy, demand);
            var above = reading > policy.StealHigh;
            var below = reading < policy.StealLow;
            // One round short of the counts: the round that reads this snapshot completes them.
            nodes[node.Id] = new NodeSignal(reading, above ? policy.HotAfter - 1 : 0, below ? policy.CoolAfter - 1 : 0, above);
        }

        return Empty with { Nodes = nodes.ToImmutable() };
    }

    /// <summary>Records one round's moves at once (all at the round's time, which is not before any recorded move).</summary>
    internal DecisionState WithRoundMoves(IReadOnlyList<MoveRecord> moves)
    {
        if (moves.Count == 0)
        {
            return this;
        }

        var last = LastMoves.ToBuilder();
        foreach (var m in moves)
        {
            last[m.Pid] = m;
        }

        return this with { LastMoves = last.ToImmutable(), RecentMoves = RecentMoves.AddRange(moves) };
    }

    /// <summary>How long the task has been seen at <paramref name="now"/> (zero when it was not seen before this round).</summary>
    public TimeSpan AgeOf(int pid, ulong? startTime, DateTimeOffset now) =>
        Sightings.TryGetValue(pid, out var seen) && seen.StartTime == startTime && now > seen.Since ? now - seen.Since : TimeSpan.Zero;

    /// <summary>
    /// The sightings after a round that saw <paramref name="snapshot"/> at <paramref name="now"/>: a task
    /// already seen (same pid and start time) keeps its first sighting, a new one is seen now, a task
    /// not in the snapshot is forgotten (a pid reused by a new process starts again).
    /// </summary>
    internal static ImmutableDictionary<int, TaskSighting> Sight(ImmutableDictionary<int, TaskSighting> before, Snapshot snapshot, DateTimeOffset now)
    {
        var tasks = snapshot.Tasks;
        var same = tasks.Count == before.Count;
        for (var i = 0; same && i < tasks.Count; i++)
        {
            same = before.TryGetValue(tasks[i].Pid, out var seen) && seen.StartTime == tasks[i].StartTime;
        }

        if (same)
        {
            return before;
        }

        var builder = ImmutableDictionary.CreateBuilder<int, TaskSighting>();
        foreach (var task in tasks)
        {
            if (builder.ContainsKey(task.Pid))
            {
                continue;
            }

            builder[task.Pid] = before.TryGetValue(task.Pid, out var seen) && seen.StartTime == task.StartTime
                ? seen
                : new TaskSighting(task.StartTime, now);
        }

        return builder.ToImmutable();
    }

    /// <summary>The task's last move, when it is still remembered.</summary>
    public MoveRecord? LastMoveOf(int pid, ulong? startTime) =>
        LastMoves.TryGetValue(pid, out var record) && record.IsTask(pid, startTime) ? record : null;
}
