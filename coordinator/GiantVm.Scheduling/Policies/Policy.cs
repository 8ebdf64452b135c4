namespace GiantVm.Scheduling.Policies;

/// <summary>
/// Everything an operator can configure about decisions: one typed property per policy-file key
/// (the YAML key is named in each summary). <see cref="Default"/> is the production-safe policy,
/// identical to the shipped <c>default.yaml</c>. A policy file only needs the keys it changes.
/// </summary>
public sealed record Policy
{
    /// <summary>The production-safe defaults (shipped as <c>default.yaml</c>).</summary>
    public static Policy Default { get; } = new();

    /// <summary><c>name</c>: shown in logs, status and plan output.</summary>
    public string Name { get; init; } = "default";

    /// <summary><c>mode</c>: none | all-be | balanced | least-tasks | random.</summary>
    public PolicyMode Mode { get; init; } = PolicyMode.Balanced;

    /// <summary><c>interval</c>: time between decision rounds.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>dry_run</c>: decisions are computed, journaled and marked dry-run; nothing is sent.</summary>
    public bool DryRun { get; init; }

    /// <summary><c>command_timeout</c>: how long the coordinator waits for a move's result.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>seed</c>: seed of the <c>random</c> mode's generator.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary><c>signal.ema_alpha</c>: weight of the newest reading in the per-node EMA, (0, 1].</summary>
    public double EmaAlpha { get; init; } = 0.3;

    /// <summary><c>signal.steal_high</c>: smoothed steal ratio above which a reading counts towards hot.</summary>
    public double StealHigh { get; init; } = 0.15;

    /// <summary><c>signal.steal_low</c>: smoothed steal ratio below which a reading counts towards cool.</summary>
    public double StealLow { get; init; } = 0.05;

    /// <summary><c>signal.hot_after</c>: consecutive rounds above <see cref="StealHigh"/> before a node is hot.</summary>
    public int HotAfter { get; init; } = 8;

    /// <summary><c>signal.cool_after</c>: consecutive rounds below <see cref="StealLow"/> before a hot node is cool.</summary>
    public int CoolAfter { get; init; } = 5;

    /// <summary><c>signal.stale_after</c>: a node whose report is older is never a target and never acted on.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary><c>signal.predicted</c>: score targets by max(smoothed steal, steal predicted from
    /// host LC load + BE demand vs host capacity), so a node whose LC load just jumped is avoided.</summary>
    public bool Predicted { get; init; }

    /// <summary><c>signal.lc_harm</c>: the reading each round is max(guest steal, host overload), where
    /// host overload = (host LC busy cores + the node's BE demand - host capacity) / capacity (0 without
    /// host figures): the host side's direct measure of LC harm, which a guest under its CFS share does
    /// not see as steal. Targets are scored by the same overload with the task added. It needs LC and
    /// task *demand*: the simulator supplies it; live agents report usage, which under contention
    /// sums to about the capacity (see docs/decision-quality.md).</summary>
    public bool LcHarm { get; init; }

    /// <summary><c>signal.lc_share</c>: with <c>lc_harm</c>, the share of a host's CPU its LC work keeps
    /// under contention (CFS: the LC weight over the LC and vCPU weights; 0.5 when equal). Host overload
    /// beyond what would take LC below that share is counted as guest steal, not LC harm, in the reading
    /// and in <c>migrate.min_gain_cores</c>'s gain. 0 = every core of overload is LC harm.</summary>
    public double LcShare { get; init; }

    /// <summary><c>signal.lc_ema_alpha</c>: with <c>lc_harm</c>, the weight of the newest reading in the EMA
    /// of each host's LC load, (0, 1]; the gain of a move (<c>migrate.min_gain_cores</c>) is computed on
    /// it, so that one noisy reading does not pay for a move. 1 = the latest reading.</summary>
    public double LcEmaAlpha { get; init; } = 1;

    /// <summary><c>targets.exclude</c>: node ids never used as targets.</summary>
    public IReadOnlyList<int> ExcludedNodes { get; init; } = [];

    /// <summary><c>targets.memory_headroom</c>: a target needs RSS x (1 + headroom) free memory.</summary>
    public double MemoryHeadroom { get; init; } = 0.10;

    /// <summary><c>migrate.min_improvement</c>: a move must lower steal (source minus target) by more than this.</summary>
    public double MinImprovement { get; init; } = 0.05;

    /// <summary><c>migrate.max_per_round</c>: moves per round, all nodes together.</summary>
    public int MaxPerRound { get; init; } = 4;

    /// <summary><c>migrate.max_per_node_per_round</c>: moves out of one node, and into one node, per round.</summary>
    public int MaxPerNodePerRound { get; init; } = 2;

    /// <summary><c>migrate.max_per_minute</c>: moves in any 60 s window of snapshot time.</summary>
    public int MaxPerMinute { get; init; } = 20;

    /// <summary><c>migrate.cooldown</c>: a task that moved is not moved again for this long.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>migrate.return_block</c>: a task does not go back to the node it left for this long.</summary>
    public TimeSpan ReturnBlock { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary><c>migrate.min_rss</c>: tasks with a smaller RSS (bytes) are not moved.</summary>
    public long MinRssBytes { get; init; }

    /// <summary><c>migrate.min_cpu_cores</c>: tasks using fewer cores are not moved.</summary>
    public double MinCpuCores { get; init; } = 0.05;

    /// <summary><c>migrate.min_gain_cores</c>: with <c>signal.lc_harm</c> in <c>balanced</c> mode, when above 0,
    /// each move is the one that removes the most host overload (cores, source and target together) and
    /// must remove at least this much; 0 = the steal-ranked planning (largest task first).</summary>
    public double MinGainCores { get; init; }

    /// <summary><c>migrate.age_credit</c>: with <c>migrate.min_gain_cores</c>, when above zero, a move's gain is
    /// multiplied by 1 + (the task's observed age / age_credit) before it is ranked and compared with
    /// <c>min_gain_cores</c>: a task that has run longer is expected to run longer still (heavy-tailed
    /// task lives), so moving it removes more LC harm in total. Zero (default) = off.</summary>
    public TimeSpan AgeCredit { get; init; }

    /// <summary><c>migrate.persist_age</c>: with <c>migrate.min_gain_cores</c>, when above zero, the LC harm a move
    /// sheds at its source is computed as if only the source's other BE demand that is likely to stay were there:
    /// each other task counts with the weight age / (age + persist_age) of its observed age (a new task 0, one seen
    /// for persist_age one half), and the shed is at most what the move sheds now. Overload made by a crowd of new
    /// tasks, which ends with them, then pays little for a move; overload that old tasks or the LC load itself make
    /// pays in full. Zero (default) = off.</summary>
    public TimeSpan PersistAge { get; init; }

    /// <summary>Value equality including <see cref="ExcludedNodes"/> by content.</summary>
    public bool Equals(Policy? other) =>
        other is not null
        && PolicyDiff.Describe(this, other).Count == 0;

    public override int GetHashCode() => HashCode.Combine(Name, Mode, Interval, StealHigh, HotAfter, MaxPerRound);
}
