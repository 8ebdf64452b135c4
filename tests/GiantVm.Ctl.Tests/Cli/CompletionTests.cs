using System.Diagnostics;

namespace GiantVm.Ctl.Tests.Cli;

/// <summary>
/// <c>giantvmctl completion bash|zsh|fish</c>: each script is valid in its shell, and run in that
/// real shell it completes with what the built giantvmctl offers (it runs the binary at each TAB).
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

    [Theory]
    [InlineData("mi", "migrations")]
    [InlineData("nodes -o w", "wide")]
    [InlineData("policy re", "reload")]
    public async Task FishScript_Sourced_CompletesFromTheBinary(string typed, string expected)
    {
        using var dir = new TempDir();
        var script = dir.File("giantvmctl.fish", CtlRun.Of("completion", "fish").Out);
        var syntax = await Shell("fish", $"fish -n '{script}'");
        Assert.Equal((0, ""), (syntax.Code, syntax.Error));

        // fish's own completion machinery, asked for what it would offer at TAB
        var (code, output, error) = await Shell("fish", $"set -x PATH '{BinDir}' $PATH; source '{script}'; complete -C 'giantvmctl {typed}'");

        Assert.Equal((0, ""), (code, error));
        Assert.Equal([expected], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// zsh's completion system needs an interactive shell; this runs the script's completion
    /// function in a real zsh with <c>words</c>/<c>CURRENT</c> set as compsys sets them and
    /// <c>compadd</c> printing what it is given.
    /// </summary>
    [Theory]
    [InlineData("mi", "migrations")]
    [InlineData("nodes -o w", "wide")]
    public async Task ZshScript_ItsFunction_CompletesFromTheBinary(string typed, string expected)
    {
        using var dir = new TempDir();
        var script = dir.File("_giantvmctl", CtlRun.Of("completion", "zsh").Out);
        var syntax = await Shell("zsh", $"zsh -n '{script}'");
        Assert.Equal((0, ""), (syntax.Code, syntax.Error));
        var words = ("giantvmctl " + typed).Split(' ');

        var (code, output, error) = await Shell("zsh",
            $"export PATH='{BinDir}':\"$PATH\"; compdef() {{ :; }}; source '{script}'; compadd() {{ shift; printf '%s\\n' \"$@\"; }}; " +
            $"words=({string.Join(' ', words.Select(w => $"'{w}'"))}); CURRENT={words.Length}; _giantvmctl");

        Assert.Equal((0, ""), (code, error));
        Assert.Equal([expected], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static Task<(int Code, string Out, string Error)> Bash(string command) => Shell("bash", command);

    /// <summary>Runs <paramref name="command"/> in <paramref name="shell"/> (installed by scripts/deps.sh).</summary>
    private static async Task<(int Code, string Out, string Error)> Shell(string shell, string command)
    {
        var start = new ProcessStartInfo(shell, ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
