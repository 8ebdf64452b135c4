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
    private readonly Dictionary<int, NodeWork> _byId = [];
    private readonly List<Decision> _decisions = [];
    private readonly List<string> _notes = [];
    private readonly HashSet<string> _noted = new(StringComparer.Ordinal);
    private readonly HashSet<int> _plannedPids = [];
    private SplitMix64 _rng;

    public RoundWork(Snapshot snapshot, Policy policy, DecisionState state, DateTimeOffset now, bool applyCaps)
    {
        Policy = policy;
        State = state;
        Now = now;
        ApplyCaps = applyCaps;
        var excluded = policy.ExcludedNodes.ToHashSet();
        var nodes = new List<NodeWork>(snapshot.Nodes.Count);
        foreach (var node in snapshot.Nodes.OrderBy(n => n.Id))
        {
            if (_byId.ContainsKey(node.Id))
            {
                continue;
            }

            var work = new NodeWork(node, state.Nodes.GetValueOrDefault(node.Id), IsFresh(node, policy), excluded.Contains(node.Id), policy.Predicted);
            _byId.Add(node.Id, work);
            nodes.Add(work);
        }

        foreach (var task in snapshot.Tasks)
        {
            if (_byId.TryGetValue(task.Node, out var node))
            {
                node.AddInitialTask(task);
            }
        }

        foreach (var node in nodes)
        {
            node.Seal();
        }

        Nodes = nodes;
        MinuteUsed = state.RecentMoves.Count(m => now - m.Time < TimeSpan.FromMinutes(1));
        _rng = new SplitMix64(state.RandomState ?? policy.Seed);
    }

    public Policy Policy { get; }

    public DecisionState State { get; }

    public DateTimeOffset Now { get; }

    public bool ApplyCaps { get; }

    /// <summary>Nodes ordered by id.</summary>
    public IReadOnlyList<NodeWork> Nodes { get; }

    public IReadOnlyList<Decision> Decisions => _decisions;

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Moves of the last 60 s before this round.</summary>
    public int MinuteUsed { get; }

    public bool RandomUsed { get; private set; }

    public ulong RandomState => _rng.State;

    public NodeWork? Node(int id) => _byId.GetValueOrDefault(id);

    public static bool IsFresh(NodeSnapshot node, Policy policy) =>
        node.AgeSeconds is not { } age || age <= policy.StaleAfter.TotalSeconds;

    /// <summary>The caps for the whole round (per round, per minute) leave room for another move.</summary>
    public bool RoundHasRoom =>
        !ApplyCaps || (_decisions.Count < Policy.MaxPerRound && MinuteUsed + _decisions.Count < Policy.MaxPerMinute);

    public bool CanLeave(NodeWork node) => !ApplyCaps || node.MovesOut < Policy.MaxPerNodePerRound;

    public bool CanEnter(NodeWork node) => !ApplyCaps || node.MovesIn < Policy.MaxPerNodePerRound;

    /// <summary>A note about a cap once, when the cap is what stopped the round.</summary>
    public void NoteCapIfReached()
    {
        if (!ApplyCaps)
        {
            return;
        }

        if (_decisions.Count >= Policy.MaxPerRound)
        {
            Note($"cap migrate.max_per_round ({Policy.MaxPerRound}) reached");
        }
        else if (MinuteUsed + _decisions.Count >= Policy.MaxPerMinute)
        {
            Note($"cap migrate.max_per_minute ({Policy.MaxPerMinute}) reached ({MinuteUsed} moves in the last minute)");
        }
    }

    public void Note(string text)
    {
        if (_noted.Add(text))
        {
            _notes.Add(text);
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
        foreach (var target in Nodes)
        {
            if (target.CanBeTarget && target.Id != source.Id && Fits(target, task) && CanEnter(target) && !ReturnBlocked(last, target))
            {
                yield return target;
            }
        }
    }

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
        if (!_plannedPids.Add(task.Pid))
        {
            return;
        }

        var need = MemoryNeeded(task);
        from.Release(task);
        to.Receive(task, need);
        _decisions.Add(new Decision(task.Pid, task.StartTime, task.Comm, from.Id, to.Id, Policy.DryRun, reason)
        {
            RssBytes = task.RssBytes,
            CpuCores = task.CpuCores,
        });
    }

    /// <summary>The state for the next round: this round's decisions recorded as moves.</summary>
    public DecisionState Commit()
    {
        var state = State.WithRoundMoves(_decisions.Select(d => new MoveRecord(d.Pid, d.StartTime, d.From, d.To, Now)).ToList());
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
