using GiantVm.Coordinator.Policies;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Coordinator.Tests.Policies;

/// <summary>--policy-dir: per-instance policies DIR/VM.yaml over the --policy default.</summary>
public sealed class PolicyCatalogTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("giantvm-policies-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static PolicyInForce Default()
    {
        var (result, text) = PolicySource.Load("demo");
        return new PolicyInForce(result.Policy!, text, "demo", 1, T0);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string PolicyNamed(string name)
    {
        var (_, text) = PolicySource.Load("demo");
        return System.Text.RegularExpressions.Regex.Replace(text, @"(?m)^name:.*$", "name: " + name);
    }

    [Fact]
    public void AnInstanceWithItsOwnFile_StartsWithIt_OthersWithTheDefault()
    {
        var own = Write("giantvm-b.yaml", PolicyNamed("b-policy"));
        var catalog = new PolicyCatalog("demo", _folder.FullName);

        Assert.Empty(catalog.Validate());
        var (b, bOrigin, bProblem) = catalog.InitialFor("giantvm-b", Default(), T0);
        Assert.Equal(("b-policy", own, (string?)null), (b.Policy.Name, bOrigin, bProblem));
        var (a, aOrigin, _) = catalog.InitialFor("giantvm", Default(), T0);
        Assert.Equal(("demo", "demo"), (a.Policy.Name, aOrigin));
        Assert.True(catalog.HasOverride("giantvm-b"));
        Assert.False(catalog.HasOverride("giantvm"));
        Assert.Equal("giantvm-b", catalog.InstanceOf(own));
        Assert.Null(catalog.InstanceOf("/elsewhere/giantvm-b.yaml"));
    }

    [Fact]
    public void Validate_NamesEveryBadFile()
    {
        Write("bad.yaml", "interval: -3s\n");
        Write(".hidden.yaml", PolicyNamed("x"));
        var errors = new PolicyCatalog("demo", _folder.FullName).Validate();

        Assert.Contains(errors, e => e.Contains(".hidden.yaml", StringComparison.Ordinal) && e.Contains("cannot be an instance id", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("bad.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AMissingFolder_SaysSo()
    {
        var errors = new PolicyCatalog("demo", Path.Combine(_folder.FullName, "nope")).Validate();
        Assert.Equal([$"--policy-dir: {Path.Combine(_folder.FullName, "nope")} is not a folder"], errors);
    }

    [Fact]
    public void AFileThatTurnedInvalid_FallsBackToTheDefault_AndSaysWhy()
    {
        var catalog = new PolicyCatalog("demo", _folder.FullName);
        Write("giantvm.yaml", "interval: nonsense\n");

        var (policy, origin, problem) = catalog.InitialFor("giantvm", Default(), T0);

        Assert.Equal(("demo", "demo"), (policy.Policy.Name, origin));
        Assert.Contains("is not a valid policy, using demo", problem);
    }

    [Fact]
    public void AnInstanceIdThatCannotBeAFileName_HasNoOwnFile()
    {
        var catalog = new PolicyCatalog("demo", _folder.FullName);
        Assert.Equal("demo", catalog.OriginFor("../etc/passwd"));
        Assert.False(PolicyCatalog.IsFileName("../x"));
        Assert.True(PolicyCatalog.IsFileName("giantvm-b.2"));
    }
}
