using GiantVm.Fuzz;

namespace GiantVm.Fuzz.Tests;

/// <summary>
/// The short deterministic pass of every fuzz target that scripts/test.sh runs: a fixed seed and
/// a fixed number of executions (the seeds, then mutants of them). Long runs: scripts/fuzz.sh.
/// </summary>
public sealed class ShortFuzzPassTests
{
    private const int Seed = 20261203;

    // Targets that write every input to a temporary file are slower: fewer executions.
    private static readonly HashSet<string> FileTargets = ["ctl-journal-file", "trace-machine-events", "trace-task-events"];

    public static TheoryData<string> TargetNames => [.. Targets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void EveryInput_IsAValueOrTheDocumentedError(string name)
    {
        var target = Targets.Get(name);
        var executions = FileTargets.Contains(name) ? 150 : 1500;

        var report = FuzzRun.Run(target, Seed, executions, TimeSpan.FromMinutes(2));

        Assert.Equal(executions, report.Executions);
        Assert.True(report.Findings.Count == 0,
            $"{name}: expected only values or {target.Expected}; found: " + string.Join("; ", report.Findings.Select(f => $"{f.Kind}: {f.Message}")));
    }

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void EveryTarget_HasASeedCorpusThatParses(string name)
    {
        var target = Targets.Get(name);

        var seeds = target.Seeds();

        Assert.NotEmpty(seeds);
        Assert.All(seeds, target.Run);
    }

    public static TheoryData<string, string> Regressions =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Regressions"), "*.bin", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(Path.GetDirectoryName(f)!), Path.GetFileName(f)))];

    [Theory]
    [MemberData(nameof(Regressions))]
    public void AnInputThatOnceWasAFinding_IsNowAValueOrTheDocumentedError(string target, string file)
    {
        var input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Regressions", target, file));

        Targets.Get(target).Run(input);
    }
}
