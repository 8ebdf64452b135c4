using System.Diagnostics;

namespace GiantVm.Ctl.Tests.Cli;

/// <summary>
/// <c>giantvmctl completion bash</c>: the script is valid bash, and sourced in a real bash it
/// completes with what the built giantvmctl offers (it runs the binary at each TAB).
/// </summary>
[Trait("Category", "e2e")]
public sealed class CompletionTests
{
    /// <summary>The giantvmctl apphost copied beside the tests (the script runs it as the shell would: from PATH).</summary>
    private static string BinDir => AppContext.BaseDirectory;

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    public void Completion_PrintsTheShellsScript(string shell)
    {
        var run = CtlRun.Of("completion", shell);

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Contains("giantvmctl", run.Out, StringComparison.Ordinal);
        Assert.Contains("[suggest:", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Completion_AnUnknownShell_IsExit2()
    {
        var run = CtlRun.Of("completion", "tcsh");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("tcsh", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BashScript_IsValidBash()
    {
        using var dir = new TempDir();
        var script = dir.File("giantvmctl.bash", CtlRun.Of("completion", "bash").Out);

        var (code, _, error) = await Bash($"bash -n '{script}'");

        Assert.Equal((0, ""), (code, error));
    }

    [Theory]
    [InlineData("mi", "migrations")]
    [InlineData("nodes -o w", "wide")]
    [InlineData("-o json no", "nodes")]
    [InlineData("policy re", "reload")]
    [InlineData("completion z", "zsh")]
    public async Task BashScript_Sourced_CompletesFromTheBinary(string typed, string expected)
    {
        using var dir = new TempDir();
        var script = dir.File("giantvmctl.bash", CtlRun.Of("completion", "bash").Out);
        var words = string.Join(' ', ("giantvmctl " + typed).Split(' ').Select(w => $"'{w}'"));

        var (code, output, error) = await Bash(
            $"export PATH='{BinDir}':\"$PATH\"; source '{script}'; " +
            $"COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); " +
            "_giantvmctl_complete; printf '%s\\n' \"${COMPREPLY[@]}\"");

        Assert.Equal((0, ""), (code, error));
        Assert.Equal([expected], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static async Task<(int Code, string Out, string Error)> Bash(string command)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
