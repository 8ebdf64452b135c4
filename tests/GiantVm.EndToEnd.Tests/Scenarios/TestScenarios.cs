using GiantVm.EndToEnd.Tests.Infrastructure;

namespace GiantVm.EndToEnd.Tests.Scenarios;

/// <summary>Scenario and policy texts of the process tests.</summary>
internal static class TestScenarios
{
    /// <summary>The demo's cluster without its timeline (the tests raise LC load themselves):
    /// node 0 quiet (10 %), node 1 holds four 0.8-core BE tasks (LC 20 %), nodes 2-3 busy (90 %).</summary>
    public static string FourNodes(string migrateRate = "1GiB", string rss = "256MiB", string node2Lc = "90%", double lcWeight = 1, string beCpu = "0.8") => $$"""
        name: e2e-4node
        step: 50ms
        migrate_rate: {{migrateRate}}
        cpu_model: { vm_weight: 1, lc_weight: {{lcWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }
        nodes:
          - { cpus: 4, memory: 4GiB, lc: 10% }
          - { cpus: 4, memory: 4GiB, lc: 20% }
          - { cpus: 4, memory: 4GiB, lc: {{node2Lc}} }
          - { cpus: 4, memory: 4GiB, lc: 90% }
        be_tasks:
          - { comm: be-batch, count: 4, cpu: {{beCpu}}, rss: {{rss}}, node: 1, threads: 2 }
        """;

    /// <summary>The shipped demo policy, as the demo runs it.</summary>
    public static string DemoPolicy() => File.ReadAllText(Path.Combine(Binaries.RepoRoot, "coordinator", "policies", "demo.yaml"));

    /// <summary>
    /// A 1 s-round balanced policy that, with <paramref name="lcHarm"/>, reads LC harm from the host
    /// agents (signal.lc_harm with the gain-ranked planning and persist_age, as the shipped lc-harm does) and otherwise
    /// guest steal only; every other key the same, so the signal is the only difference.
    /// </summary>
    public static string LcHarmPolicy(bool lcHarm) => $"""
        name: e2e-lc-harm-{(lcHarm ? "on" : "off")}
        mode: balanced
        interval: 1s
        command_timeout: 10s
        signal:
          lc_harm: {(lcHarm ? "true" : "false")}
          lc_share: 0.5
          lc_ema_alpha: 0.5
          ema_alpha: 0.5
          steal_high: 0.15
          steal_low: 0.05
          hot_after: 2
          cool_after: 2
          stale_after: 5s
        migrate:
          min_gain_cores: 0.1
          persist_age: 1h
          min_improvement: 0.05
          max_per_round: 4
          max_per_node_per_round: 4
          max_per_minute: 100
          cooldown: 30s
          return_block: 2m
          min_cpu_cores: 0.05
        """;

    /// <summary>The demo policy with short anti-flap windows, so that one test can move tasks several times.</summary>
    public static string QuickPolicy(string extra = "", double emaAlpha = 0.5, int hotAfter = 2) => $"""
        name: e2e-quick
        mode: balanced
        interval: 1s
        command_timeout: 10s
        signal:
          ema_alpha: {emaAlpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}
          steal_high: 0.15
          steal_low: 0.05
          hot_after: {hotAfter}
          cool_after: 2
          stale_after: 5s
        migrate:
          min_improvement: 0.05
          max_per_round: 4
          max_per_node_per_round: 4
          max_per_minute: 100
          cooldown: 8s
          return_block: 8s
          min_cpu_cores: 0.05
        {extra}
        """;
}
