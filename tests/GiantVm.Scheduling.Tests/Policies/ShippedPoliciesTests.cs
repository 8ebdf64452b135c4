using GiantVm.Scheduling.Policies;

namespace GiantVm.Scheduling.Tests.Policies;

public class ShippedPoliciesTests
{
    public static TheoryData<string> Names => [.. ShippedPolicies.Names, "example"];

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryShippedPolicy_LoadsWithoutErrors(string name)
    {
        var result = ShippedPolicies.Load(name);

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(name, result.Policy!.Name);
    }

    [Theory]
    [InlineData("none", PolicyMode.None)]
    [InlineData("all-be", PolicyMode.AllBe)]
    [InlineData("balanced", PolicyMode.Balanced)]
    [InlineData("least-tasks", PolicyMode.LeastTasks)]
    [InlineData("random", PolicyMode.Random)]
    [InlineData("default", PolicyMode.Balanced)]
    [InlineData("demo", PolicyMode.Balanced)]
    [InlineData("lc-harm", PolicyMode.Balanced)]
    [InlineData("lc-harm-frugal", PolicyMode.Balanced)]
    public void ShippedPolicy_HasItsMode(string name, PolicyMode mode) =>
        Assert.Equal(mode, ShippedPolicies.Load(name).Policy!.Mode);

    [Theory]
    [InlineData("default")]
    [InlineData("example")]
    public void DefaultAndExampleFiles_AreExactlyPolicyDefault(string name) =>
        Assert.Empty(PolicyDiff.Describe(Policy.Default, ShippedPolicies.Load(name).Policy! with { Name = "default" }));

    [Fact]
    public void Demo_ReactsWithinAFewOneSecondRounds()
    {
        var demo = ShippedPolicies.Load("demo").Policy!;

        Assert.Equal(TimeSpan.FromSeconds(1), demo.Interval);
        Assert.InRange(demo.HotAfter, 1, 5);
    }

    [Fact]
    public void EveryEmbeddedFile_IsListedOrIsTheExample() =>
        Assert.Equal(ShippedPolicies.Names.Append("example").Order(), ShippedPolicies.ResourceNames().Order());

    [Theory]
    [InlineData("balancd", "balancd: is neither a shipped policy (none, all-be, balanced, least-tasks, random, default, demo, lc-harm, lc-harm-frugal) nor a file")]
    [InlineData("./missing.yaml", "./missing.yaml: cannot read policy file: no such file")]
    public void Load_UnknownNameOrMissingFile_IsAnError(string nameOrPath, string expected) =>
        Assert.Equal(expected, Assert.Single(ShippedPolicies.Load(nameOrPath).Errors).ToString());
}
