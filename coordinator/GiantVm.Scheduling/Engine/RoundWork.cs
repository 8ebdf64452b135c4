using System.Globalization;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// The working set of one round: nodes with what the planned moves do to them, the caps used,
/// and the decisions so far. Planners add moves through <see cref="Plan"/>, which keeps every
/// count (memory, caps, expected steal) as if the move had happened.
/// </summary>
internal sealed class RoundWork
{
    // A round is built for every instance and step in bulk (the simulator: hundreds of thousands
    // of rounds, most of which plan nothing), so what only some rounds need is made on first use,
    // and a few nodes are looked up by a linear scan rather than a dictionary.
    private const int ScanNodesUpTo = 8;
    private readonly NodeWork[] _nodes;
    private readonly Dictionary<int, NodeWork>? _byId;
    private List<Decision>? _decisions;
    private List<string>? _notes;
    private HashSet<string>? _noted;
    private HashSet<int>? _plannedPids;
    private SplitMix64 _rng;

    public RoundWork(Snapshot snapshot, Policy policy, DecisionState state, DateTimeOffset now, bool applyCaps)
    {
        Policy = policy;
        State = state;
        Now = now;
        ApplyCaps = applyCaps;
        var excluded = policy.ExcludedNodes.Count == 0 ? null : policy.ExcludedNodes.ToHashSet();
        var nodes = new List<NodeWork>(snapshot.Nodes.Count);
        if (snapshot.Nodes.Count > ScanNodesUpTo)
        {
            _byId = new Dictionary<int, NodeWork>(snapshot.Nodes.Count);
        }

        // By id (a stable order: of duplicate ids the first one counts); snapshots usually come sorted.
        var sorted = SortedById(snapshot.Nodes);
        for (var i = 0; i < sorted.Count; i++)
        {
            var node = sorted[i];
            if (Find(nodes, node.Id) is not null)
            {
                continue;
            }

            var work = new NodeWork(node, state.Nodes.GetValueOrDefault(node.Id), IsFresh(node, policy), excluded?.Contains(node.Id) ?? false, policy.Predicted, policy.LcHarm, policy.LcShare);
            _byId?.Add(node.Id, work);
            nodes.Add(work);
        }

        _nodes = nodes.ToArray();
        var tasks = snapshot.Tasks;
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (Node(task.Node) is { } node)
            {
                node.AddInitialTask(task);
            }
        }

        foreach (var node in _nodes)
        {
            node.Seal();
        }

        Nodes = _nodes;
        MinuteUsed = MovesWithinMinute(state.RecentMoves, now);
        _rng = new SplitMix64(state.RandomState ?? policy.Seed);
    }

    /// <summary>Moves of <paramref name="moves"/> less than 60 s before <paramref name="now"/>.</summary>
    internal static int MovesWithinMinute(IEnumerable<MoveRecord> moves, DateTimeOffset now)
    {
        var minute = TimeSpan.FromMinutes(1);
        var count = 0;
        foreach (var m in moves)
        {
            if (now - m.Time < minute)
            {
                count++;
            }
        }

        return count;
    }

    private static IReadOnlyList<NodeSnapshot> SortedById(IReadOnlyList<NodeSnapshot> nodes)
    {
        for (var i = 1; i < nodes.Count; i++)
        {
            if (nodes[i].Id < nodes[i - 1].Id)
            {
                return nodes.OrderBy(n => n.Id).ToArray();
            }
        }

        return nodes;
    }

    private NodeWork? Find(List<NodeWork> nodes, int id)
    {
        if (_byId is not null)
        {
            return _byId.GetValueOrDefault(id);
        }

        foreach (var n in nodes)
        {
            if (n.Id == id)
            {
                return n;
            }
        }

        return null;
    }

    public Policy Policy { get; }

    public DecisionState State { get; }

    public DateTimeOffset Now { get; }

    public bool ApplyCaps { get; }

    /// <summary>Nodes ordered by id.</summary>
    public IReadOnlyList<NodeWork> Nodes { get; }

    public IReadOnlyList<Decision> Decisions => (IReadOnlyList<Decision>?)_decisions ?? [];

    public IReadOnlyList<string> Notes => (IReadOnlyList<string>?)_notes ?? [];

    /// <summary>Decisions planned so far this round.</summary>
    public int DecisionCount => _decisions?.Count ?? 0;

    /// <summary>Moves of the last 60 s before this round.</summary>
    public int MinuteUsed { get; }

    public bool RandomUsed { get; private set; }

    public ulong RandomState => _rng.State;

    public NodeWork? Node(int id)
    {
        if (_byId is not null)
        {
            return _byId.GetValueOrDefault(id);
        }

        foreach (var n in _nodes)
        {
            if (n.Id == id)
            {
                return n;
            }
        }

        return null;
    }

    public static bool IsFresh(NodeSnapshot node, Policy policy) =>
        node.AgeSeconds is not { } age || age <= policy.StaleAfter.TotalSeconds;

    /// <summary>The caps for the whole round (per round, per minute) leave room for another move.</summary>
    public bool RoundHasRoom =>
        !ApplyCaps || (DecisionCount < Policy.MaxPerRound && MinuteUsed + DecisionCount < Policy.MaxPerMinute);

    public bool CanLeave(NodeWork node) => !ApplyCaps || node.MovesOut < Policy.MaxPerNodePerRound;

    public bool CanEnter(NodeWork node) => !ApplyCaps || node.MovesIn < Policy.MaxPerNodePerRound;

    /// <summary>A note about a cap once, when the cap is what stopped the round.</summary>
    public void NoteCapIfReached()
    {
        if (!ApplyCaps)
        {
            return;
        }

        if (DecisionCount >= Policy.MaxPerRound)
        {
            Note($"cap migrate.max_per_round ({Policy.MaxPerRound}) reached");
        }
        else if (MinuteUsed + DecisionCount >= Policy.MaxPerMinute)
        {
            Note($"cap migrate.max_per_minute ({Policy.MaxPerMinute}) reached ({MinuteUsed} moves in the last minute)");
        }
    }

    public void Note(string text)
    {
        if ((_noted ??= new HashSet<string>(StringComparer.Ordinal)).Add(text))
        {
            (_notes ??= []).Add(text);
        }
    }

    /// <summary>The task may move at all this round: not in cooldown, not below the minimum size.</summary>
    public bool IsMovable(TaskSnapshot task)
    {
        if (task.RssBytes is { } rss && rss < Policy.MinRssBytes)
        {
            return false;
        }

        if (task.CpuCores is { } cpu && cpu < Policy.MinCpuCores)
        {
            return false;
        }

        return !InCooldown(task);
    }

    public bool InCooldown(TaskSnapshot task) =>
        State.LastMoveOf(task.Pid, task.StartTime) is { } last && Now - last.Time < Policy.Cooldown;

    public bool ReturnBlocked(TaskSnapshot task, NodeWork target) => ReturnBlocked(State.LastMoveOf(task.Pid, task.StartTime), target);

    private bool ReturnBlocked(MoveRecord? last, NodeWork target) =>
        last is not null && last.From == target.Id && Now - last.Time < Policy.ReturnBlock;

    /// <summary>Memory the task needs on a target: RSS x (1 + headroom); null when its RSS is unknown.</summary>
    public long? MemoryNeeded(TaskSnapshot task) =>
        task.RssBytes is { } rss ? (long)Math.Round(rss * (1 + Policy.MemoryHeadroom)) : null;

    public bool Fits(NodeWork target, TaskSnapshot task) =>
        target.FreeMemory is not { } free || MemoryNeeded(task) is not { } need || need <= free;

    /// <summary>Every node that may take this task now, in id order: may be a target at all, not the
    /// source, has the memory, below its per-node cap, not the node the task left within the return
    /// block (the task's history is looked up once).</summary>
    public IEnumerable<NodeWork> TargetsFor(NodeWork source, TaskSnapshot task, bool antiFlap = true)
    {
        var last = antiFlap ? State.LastMoveOf(task.Pid, task.StartTime) : null;
        foreach (var target in _nodes)
        {
            if (IsTarget(source, target, task, last))
            {
                yield return target;
            }
        }
    }

    /// <summary>One node of <see cref="TargetsFor"/>; <paramref name="last"/> is the task's last move
    /// (null: none, or anti-flap off).</summary>
    public bool IsTarget(NodeWork source, NodeWork target, TaskSnapshot task, MoveRecord? last) =>
        target.CanBeTarget && target.Id != source.Id && Fits(target, task) && CanEnter(target) && !ReturnBlocked(last, target);

    public int NextRandom(int n)
    {
        RandomUsed = true;
        return _rng.Next(n);
    }

    /// <summary>How the memory check went, for the reason (before the move is counted).</summary>
    public string MemoryText(NodeWork target, TaskSnapshot task) =>
        (MemoryNeeded(task), target.FreeMemory) switch
        {
            (null, _) => "memory: task RSS unknown",
            (_, null) => "memory: target free memory unknown",
            ({ } need, { } free) => $"memory fits: needs {ByteSizeText.Format(need)} of {ByteSizeText.Format(free)} free",
        };

    /// <summary>Counts the move as done for the rest of the round. A pid that appears twice in a
    /// snapshot (a malformed one) is moved once.</summary>
    public void Plan(TaskSnapshot task, NodeWork from, NodeWork to, string reason)
    {
        if (!(_plannedPids ??= []).Add(task.Pid))
        {
            return;
        }

        var need = MemoryNeeded(task);
        from.Release(task);
        to.Receive(task, need);
        (_decisions ??= []).Add(new Decision(task.Pid, task.StartTime, task.Comm, from.Id, to.Id, Policy.DryRun, reason)
        {
            RssBytes = task.RssBytes,
            CpuCores = task.CpuCores,
        });
    }

    /// <summary>The state for the next round: this round's decisions recorded as moves.</summary>
    public DecisionState Commit()
    {
        var state = _decisions is null ? State : State.WithRoundMoves(_decisions.Select(d => new MoveRecord(d.Pid, d.StartTime, d.From, d.To, Now)).ToList());
        return RandomUsed ? state with { RandomState = _rng.State } : state;
    }

    public IReadOnlyList<NodeView> Views() => Nodes.Select(View).ToArray();

    private NodeView View(NodeWork n)
    {
        var notes = new List<string>();
        if (!n.Fresh)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"stale: report {n.Node.AgeSeconds:0.#}s old > stale_after {DurationText.Format(Policy.StaleAfter)}"));
        }

        if (n.Node.Drained)
        {
            notes.Add("drained");
        }

        if (n.Excluded)
        {
            notes.Add("excluded by policy");
        }

        if (n.Signal is { } s)
        {
            if (s.Hot && s.BelowRounds > 0)
            {
                notes.Add($"cooling {s.BelowRounds}/{Policy.CoolAfter} rounds below steal_low");
            }
            else if (s.Hot)
            {
                notes.Add($"hot: {s.AboveRounds} rounds above steal_high");
            }
            else if (s.AboveRounds > 0)
            {
                notes.Add($"warming {s.AboveRounds}/{Policy.HotAfter} rounds above steal_high");
            }
        }

        if (n.PredictedSteal is { } p)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"predicted steal {p:0.000}"));
        }

        return new NodeView(n.Id, n.Node.StealRatio, n.Smoothed, n.Hot, n.CanBeTarget, notes.Count == 0 ? null : string.Join("; ", notes));
    }
}
