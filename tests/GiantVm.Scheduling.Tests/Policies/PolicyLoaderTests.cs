using GiantVm.Scheduling.Policies;

namespace GiantVm.Scheduling.Tests.Policies;

public class PolicyLoaderTests
{
    [Fact]
    public void Load_EmptyText_GivesDefaultsNamedAfterTheFile()
    {
        var result = PolicyLoader.Load("", "/etc/giantvm/mine.yaml");

        Assert.True(result.Ok);
        Assert.Equal(Policy.Default with { Name = "mine" }, result.Policy);
    }

    [Theory]
    [InlineData("mode: all-be", nameof(Policy.Mode), PolicyMode.AllBe)]
    [InlineData("mode: least-tasks", nameof(Policy.Mode), PolicyMode.LeastTasks)]
    [InlineData("mode: none", nameof(Policy.Mode), PolicyMode.None)]
    [InlineData("interval: 300ms", nameof(Policy.Interval), "00:00:00.3000000")]
    [InlineData("interval: 2m", nameof(Policy.Interval), "00:02:00")]
    [InlineData("dry_run: true", nameof(Policy.DryRun), true)]
    [InlineData("seed: 7", nameof(Policy.Seed), 7UL)]
    [InlineData("signal:\n  ema_alpha: 1", nameof(Policy.EmaAlpha), 1.0)]
    [InlineData("signal:\n  hot_after: 2", nameof(Policy.HotAfter), 2)]
    [InlineData("signal:\n  stale_after: 1m30s", nameof(Policy.StaleAfter), "00:01:30")]
    [InlineData("signal:\n  predicted: true", nameof(Policy.Predicted), true)]
    [InlineData("targets:\n  memory_headroom: 0.5", nameof(Policy.MemoryHeadroom), 0.5)]
    [InlineData("migrate:\n  max_per_round: 9", nameof(Policy.MaxPerRound), 9)]
    [InlineData("migrate:\n  cooldown: 0", nameof(Policy.Cooldown), "00:00:00")]
    [InlineData("migrate:\n  min_rss: 64MiB", nameof(Policy.MinRssBytes), 67108864L)]
    [InlineData("migrate:\n  min_cpu_cores: 0.25", nameof(Policy.MinCpuCores), 0.25)]
    public void Load_ValidKey_SetsTheProperty(string yaml, string property, object expected)
    {
        var result = PolicyLoader.Load(yaml, "p.yaml");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var actual = typeof(Policy).GetProperty(property)!.GetValue(result.Policy);
        if (actual is TimeSpan span)
        {
            Assert.Equal(TimeSpan.Parse((string)expected, System.Globalization.CultureInfo.InvariantCulture), span);
        }
        else
        {
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Load_ExcludeList_IsSortedAndDistinct()
    {
        var result = PolicyLoader.Load("targets:\n  exclude: [3, 1, 3]", "p.yaml");

        Assert.Equal([1, 3], result.Policy!.ExcludedNodes);
    }

    [Theory]
    [InlineData("migrate:\n  max_per_round: 0", "p.yaml:2: migrate.max_per_round must be >= 1 (got 0)")]
    [InlineData("mode: fastest", "p.yaml:1: mode must be one of none, all-be, balanced, least-tasks, random (got 'fastest')")]
    [InlineData("interval: 5x", "p.yaml:1: interval must be a duration like 300ms, 5s, 2m or 1h (got '5x')")]
    [InlineData("interval: 5 s", "p.yaml:1: interval must be a duration like 300ms, 5s, 2m or 1h (got '5 s')")]
    [InlineData("interval: 10ms", "p.yaml:1: interval must be >= 100ms (got 10ms)")]
    [InlineData("dry_run: yes", "p.yaml:1: dry_run must be true or false (got 'yes')")]
    [InlineData("signal:\n  ema_alpha: 0", "p.yaml:2: signal.ema_alpha must be > 0 (got 0)")]
    [InlineData("signal:\n  steal_high: 1.5", "p.yaml:2: signal.steal_high must be <= 1 (got 1.5)")]
    [InlineData("signal:\n  hot_after: two", "p.yaml:2: signal.hot_after must be an integer (got 'two')")]
    [InlineData("signal:\n  steal_low: 0.3\n  steal_high: 0.2", "p.yaml:2: signal.steal_low must be <= signal.steal_high (0.2) (got 0.3)")]
    [InlineData("signal: 3", "p.yaml:1: signal must be a mapping of keys")]
    [InlineData("targets:\n  exclude: 1", "p.yaml:2: targets.exclude must be a list like [1, 3]")]
    [InlineData("targets:\n  exclude: [a]", "p.yaml:2: targets.exclude must be a list of integers (got 'a')")]
    [InlineData("migrate:\n  min_rss: lots", "p.yaml:2: migrate.min_rss must be a size in bytes like 0, 1048576, 64MiB or 2GiB (got 'lots')")]
    [InlineData("migrate:\n  max_per_round: [1]", "p.yaml:2: migrate.max_per_round must be a single value, not a list")]
    [InlineData("migrate:\n  cooldown:", "p.yaml:2: migrate.cooldown needs a value")]
    [InlineData("name: \"\"", "p.yaml:1: name must not be empty")]
    public void Load_BadValue_ReportsFileLineKeyAndWhy(string yaml, string expected)
    {
        var result = PolicyLoader.Load(yaml, "p.yaml");

        Assert.False(result.Ok);
        Assert.Null(result.Policy);
        Assert.Equal(expected, Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("modes: balanced", "p.yaml:1: modes is not a known key (did you mean mode?)")]
    [InlineData("migrate:\n  max_per_rnd: 2", "p.yaml:2: migrate.max_per_rnd is not a known key (did you mean migrate.max_per_round?)")]
    [InlineData("max_per_round: 2", "p.yaml:1: max_per_round is not a known key (did you mean migrate.max_per_round?)")]
    [InlineData("colour: blue", "p.yaml:1: colour is not a known key")]
    [InlineData("signal:\n  hot_after: 2\n  hot_after: 3", "p.yaml:3: not valid YAML: key 'hot_after' is given twice in the same mapping")]
    public void Load_UnknownOrRepeatedKey_IsAnError(string yaml, string expected)
    {
        var result = PolicyLoader.Load(yaml, "p.yaml");

        Assert.Equal(expected, Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Load_SeveralProblems_ReportsEveryOneInLineOrder()
    {
        const string yaml = """
            name: broken
            mode: sideways
            signal:
              ema_alpha: 2
              hot_afterr: 3
            migrate:
              max_per_round: 0
              cooldown: soon
            """;

        var result = PolicyLoader.Load(yaml, "policy.yaml");

        Assert.Equal(
            [
                "policy.yaml:2: mode must be one of none, all-be, balanced, least-tasks, random (got 'sideways')",
                "policy.yaml:4: signal.ema_alpha must be <= 1 (got 2)",
                "policy.yaml:5: signal.hot_afterr is not a known key (did you mean signal.hot_after?)",
                "policy.yaml:7: migrate.max_per_round must be >= 1 (got 0)",
                "policy.yaml:8: migrate.cooldown must be a duration like 300ms, 5s, 2m or 1h (got 'soon')",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("mode: [", 2)]
    [InlineData("a: 1\n b: 2\n", 2)]
    [InlineData("- 1\n- 2", 1)]
    public void Load_NotAMappingOrNotYaml_IsOneErrorWithALine(string yaml, int line)
    {
        var result = PolicyLoader.Load(yaml, "p.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(line, error.Line);
        Assert.StartsWith($"p.yaml:{line}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_MissingFile_IsAnErrorNotAnException()
    {
        var result = PolicyLoader.LoadFile("/nonexistent/policy.yaml");

        Assert.False(result.Ok);
        Assert.Equal("/nonexistent/policy.yaml: cannot read policy file: no such file", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void LoadFile_ReadsTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "mode: all-be\nmigrate:\n  max_per_round: 1\n");
        try
        {
            var result = PolicyLoader.LoadFile(path);

            Assert.True(result.Ok);
            Assert.Equal(PolicyMode.AllBe, result.Policy!.Mode);
            Assert.Equal(1, result.Policy.MaxPerRound);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PolicyYaml_Format_LoadsBackToAnEqualPolicy()
    {
        var policy = Policy.Default with
        {
            Name = "odd \"name\"",
            Mode = PolicyMode.Random,
            Interval = TimeSpan.FromMilliseconds(1500),
            ExcludedNodes = [2, 5],
            MinRssBytes = 64L << 20,
            Cooldown = TimeSpan.FromSeconds(90),
            Predicted = true,
        };

        var result = PolicyLoader.Load(PolicyYaml.Format(policy), "x.yaml");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(policy, result.Policy);
    }

    // Issue 16: one request with 100,000 '[' overflowed YamlDotNet's recursive tree builder and
    // killed the coordinator. Every entry point goes through PolicyLoader.Load or LoadFile.
    [Theory]
    [InlineData('[')]
    [InlineData('{')]
    public void Load_100000NestedFlowCollections_IsOneSizeError(char open)
    {
        var result = PolicyLoader.Load(Yaml.HostileYaml.Flow(open, 100_000), "deep.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal("deep.yaml: is 100,015 bytes, over the 64 KiB limit", error.ToString());
    }

    [Theory]
    [InlineData('[')]
    [InlineData('{')]
    public void Load_NestingDeeperThan16UnderTheSizeLimit_IsOneErrorWithTheLine(char open)
    {
        var result = PolicyLoader.Load(Yaml.HostileYaml.Flow(open, 60_000), "deep.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal("deep.yaml:2: nesting deeper than 16 levels", error.ToString());
    }

    [Fact]
    public void Load_DeepBlockMapping_IsOneErrorWithTheLine()
    {
        var result = PolicyLoader.Load(Yaml.HostileYaml.Block(200), "deep.yaml");

        Assert.Equal("deep.yaml:18: nesting deeper than 16 levels", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void LoadFile_DeepFile_IsOneErrorAndABigFileIsNotRead()
    {
        var dir = Directory.CreateTempSubdirectory("giantvm-policy-");
        try
        {
            var deep = Path.Combine(dir.FullName, "deep.yaml");
            File.WriteAllText(deep, Yaml.HostileYaml.Flow('[', 60_000));
            var big = Path.Combine(dir.FullName, "big.yaml");
            File.WriteAllText(big, Yaml.HostileYaml.Flow('[', 100_000));

            Assert.Equal($"{deep}:2: nesting deeper than 16 levels", Assert.Single(PolicyLoader.LoadFile(deep).Errors).ToString());
            Assert.Equal($"{big}: is 100,015 bytes, over the 64 KiB limit", Assert.Single(PolicyLoader.LoadFile(big).Errors).ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
