namespace GiantVm.Scheduling.Policies;

/// <summary>Every key a policy file may contain, in the order they are documented.</summary>
internal static class PolicyKeys
{
    public static readonly IReadOnlyDictionary<string, PolicyMode> ModeNames = new Dictionary<string, PolicyMode>
    {
        ["none"] = PolicyMode.None,
        ["all-be"] = PolicyMode.AllBe,
        ["balanced"] = PolicyMode.Balanced,
        ["least-tasks"] = PolicyMode.LeastTasks,
        ["random"] = PolicyMode.Random,
    };

    /// <summary>Mapping keys that group others (<c>signal:</c>, <c>targets:</c>, <c>migrate:</c>).</summary>
    public static readonly IReadOnlySet<string> Sections = new HashSet<string>(StringComparer.Ordinal) { "signal", "targets", "migrate" };

    public static readonly IReadOnlyList<PolicyKey> All =
    [
        PolicyKey.String("name", p => p.Name, (p, v) => p with { Name = v }),
        PolicyKey.Enum("mode", ModeNames, p => p.Mode, (p, v) => p with { Mode = v }),
        PolicyKey.Duration("interval", TimeSpan.FromMilliseconds(100), p => p.Interval, (p, v) => p with { Interval = v }),
        PolicyKey.Bool("dry_run", p => p.DryRun, (p, v) => p with { DryRun = v }),
        PolicyKey.Duration("command_timeout", TimeSpan.FromMilliseconds(100), p => p.CommandTimeout, (p, v) => p with { CommandTimeout = v }),
        PolicyKey.ULong("seed", "integer", p => p.Seed, (p, v) => p with { Seed = v }),

        PolicyKey.Double("signal.ema_alpha", "weight (0, 1]", 0, 1, true, p => p.EmaAlpha, (p, v) => p with { EmaAlpha = v }),
        PolicyKey.Double("signal.steal_high", "steal ratio 0..1", 0, 1, false, p => p.StealHigh, (p, v) => p with { StealHigh = v }),
        PolicyKey.Double("signal.steal_low", "steal ratio 0..1", 0, 1, false, p => p.StealLow, (p, v) => p with { StealLow = v }),
        PolicyKey.Int("signal.hot_after", "rounds", 1, p => p.HotAfter, (p, v) => p with { HotAfter = v }),
        PolicyKey.Int("signal.cool_after", "rounds", 1, p => p.CoolAfter, (p, v) => p with { CoolAfter = v }),
        PolicyKey.Duration("signal.stale_after", TimeSpan.FromMilliseconds(1), p => p.StaleAfter, (p, v) => p with { StaleAfter = v }),
        PolicyKey.Bool("signal.predicted", p => p.Predicted, (p, v) => p with { Predicted = v }),
        PolicyKey.Bool("signal.lc_harm", p => p.LcHarm, (p, v) => p with { LcHarm = v }),
        PolicyKey.Double("signal.lc_ema_alpha", "weight (0, 1]", 0, 1, true, p => p.LcEmaAlpha, (p, v) => p with { LcEmaAlpha = v }),
        PolicyKey.Double("signal.lc_share", "fraction of host CPU [0, 1)", 0, 0.99, false, p => p.LcShare, (p, v) => p with { LcShare = v }),

        PolicyKey.IntList("targets.exclude", "node ids", 0, p => p.ExcludedNodes, (p, v) => p with { ExcludedNodes = v }),
        PolicyKey.Double("targets.memory_headroom", "fraction of RSS", 0, 10, false, p => p.MemoryHeadroom, (p, v) => p with { MemoryHeadroom = v }),

        PolicyKey.Double("migrate.min_improvement", "steal ratio 0..1", 0, 1, false, p => p.MinImprovement, (p, v) => p with { MinImprovement = v }),
        PolicyKey.Int("migrate.max_per_round", "moves", 1, p => p.MaxPerRound, (p, v) => p with { MaxPerRound = v }),
        PolicyKey.Int("migrate.max_per_node_per_round", "moves", 1, p => p.MaxPerNodePerRound, (p, v) => p with { MaxPerNodePerRound = v }),
        PolicyKey.Int("migrate.max_per_minute", "moves", 1, p => p.MaxPerMinute, (p, v) => p with { MaxPerMinute = v }),
        PolicyKey.Duration("migrate.cooldown", TimeSpan.Zero, p => p.Cooldown, (p, v) => p with { Cooldown = v }),
        PolicyKey.Duration("migrate.return_block", TimeSpan.Zero, p => p.ReturnBlock, (p, v) => p with { ReturnBlock = v }),
        PolicyKey.Bytes("migrate.min_rss", p => p.MinRssBytes, (p, v) => p with { MinRssBytes = v }),
        PolicyKey.Double("migrate.min_cpu_cores", "cores", 0, 1_000_000, false, p => p.MinCpuCores, (p, v) => p with { MinCpuCores = v }),
        PolicyKey.Double("migrate.min_gain_cores", "cores", 0, 1_000_000, false, p => p.MinGainCores, (p, v) => p with { MinGainCores = v }),
        PolicyKey.Duration("migrate.age_credit", TimeSpan.Zero, p => p.AgeCredit, (p, v) => p with { AgeCredit = v }),
        PolicyKey.Duration("migrate.persist_age", TimeSpan.Zero, p => p.PersistAge, (p, v) => p with { PersistAge = v }),
    ];

    public static readonly IReadOnlyDictionary<string, PolicyKey> ByPath = All.ToDictionary(k => k.Path, StringComparer.Ordinal);

    /// <summary>The known key closest to a misspelt one, when it is close enough to be a typo.</summary>
    public static string? Suggest(string path)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var key in All)
        {
            var d = Distance(path, key.Path);
            var leaf = key.Path[(key.Path.LastIndexOf('.') + 1)..];
            d = Math.Min(d, Distance(path[(path.LastIndexOf('.') + 1)..], leaf) + (path.Contains('.') ? 1 : 0));
            if (d < bestDistance)
            {
                bestDistance = d;
                best = key.Path;
            }
        }

        return bestDistance <= Math.Max(2, path.Length / 4) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
