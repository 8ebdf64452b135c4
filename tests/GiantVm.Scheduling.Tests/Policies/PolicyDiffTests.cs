using GiantVm.Scheduling.Policies;

namespace GiantVm.Scheduling.Tests.Policies;

public class PolicyDiffTests
{
    [Fact]
    public void Describe_SamePolicy_IsEmpty() =>
        Assert.Empty(PolicyDiff.Describe(Policy.Default, Policy.Default with { }));

    [Fact]
    public void Describe_ChangedKeys_OneLinePerKeyWithOldAndNewValues()
    {
        var changed = Policy.Default with
        {
            Mode = PolicyMode.AllBe,
            MaxPerRound = 2,
            Cooldown = TimeSpan.FromSeconds(90),
            ExcludedNodes = [3],
        };

        Assert.Equal(
            [
                "mode: balanced -> all-be",
                "targets.exclude: [] -> [3]",
                "migrate.max_per_round: 4 -> 2",
                "migrate.cooldown: 5m -> 1m30s",
            ],
            PolicyDiff.Describe(Policy.Default, changed));
    }
}
