namespace GiantVm.Ctl.Tests;

public sealed class PolicyValidateCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Validate_ValidFile_ExitsZeroAndListsChangesFromTheDefault()
    {
        var path = _dir.File("p.yaml", "name: fast\nmode: all-be\nmigrate:\n  max_per_round: 2\n");

        var run = CtlRun.Of("policy", "validate", path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"{path}: ok: policy fast, mode all-be, 2 changes from the default:\n  mode: balanced -> all-be\n  migrate.max_per_round: 4 -> 2\n", run.Out);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void Validate_BrokenFile_ListsEveryErrorWithFileLineKeyAndExitsTwo()
    {
        var path = _dir.File("bad.yaml", "mode: sideways\nsignal:\n  hot_afterr: 3\nmigrate:\n  max_per_round: 0\n");

        var run = CtlRun.Of("policy", "validate", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            $"giantvmctl: {path}: 3 problems\n" +
            $"{path}:1: mode must be one of none, all-be, balanced, least-tasks, random (got 'sideways')\n" +
            $"{path}:3: signal.hot_afterr is not a known key (did you mean signal.hot_after?)\n" +
            $"{path}:5: migrate.max_per_round must be >= 1 (got 0)\n",
            run.Error);
        Assert.Equal("", run.Out);
    }

    // Issue 16: this file used to abort giantvmctl with a stack overflow (exit 134, 48,732 lines).
    [Theory]
    [InlineData('[', 100_000, "is 100,015 bytes, over the 64 KiB limit")]
    [InlineData('{', 100_000, "is 100,015 bytes, over the 64 KiB limit")]
    [InlineData('[', 60_000, "nesting deeper than 16 levels")]
    [InlineData('{', 60_000, "nesting deeper than 16 levels")]
    public void Validate_DeeplyNestedFile_ExitsTwoWithOneLine(char open, int count, string reason)
    {
        var path = _dir.File("deep.yaml", "name: x\nmode: " + new string(open, count) + "\n");

        var run = CtlRun.Of("policy", "validate", path);

        Assert.Equal(2, run.ExitCode);
        var where = count > 64 * 1024 ? path : path + ":2";
        Assert.Equal($"giantvmctl: {where}: {reason}\n", run.Error);
    }

    [Fact]
    public void Validate_OneError_IsOneLine()
    {
        var path = _dir.File("bad.yaml", "migrate:\n  max_per_round: 0\n");

        var run = CtlRun.Of("policy", "validate", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"giantvmctl: {path}:2: migrate.max_per_round must be >= 1 (got 0)\n", run.Error);
    }

    [Fact]
    public void Validate_YamlSyntaxError_IsAnInputError()
    {
        var path = _dir.File("bad.yaml", "mode: [balanced\n");

        var run = CtlRun.Of("policy", "validate", path);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"giantvmctl: {path}:2: not valid YAML: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingFile_IsAnInputError()
    {
        var run = CtlRun.Of("policy", "validate", "/nonexistent/p.yaml");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("giantvmctl: /nonexistent/p.yaml: cannot read policy file: no such file\n", run.Error);
    }

    [Fact]
    public void Validate_WithoutFile_IsAUsageError()
    {
        var run = CtlRun.Of("policy", "validate");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("giantvmctl: Required argument 'FILE' missing for command: 'validate'.", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("default.yaml")]
    [InlineData("example.yaml")]
    [InlineData("demo.yaml")]
    [InlineData("all-be.yaml")]
    public void Validate_ShippedFiles_AreValid(string name)
    {
        var path = Path.Combine(RepoRoot(), "coordinator", "policies", name);

        Assert.Equal(0, CtlRun.Of("policy", "validate", path).ExitCode);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GiantVm.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("GiantVm.sln not found above " + AppContext.BaseDirectory);
    }
}
