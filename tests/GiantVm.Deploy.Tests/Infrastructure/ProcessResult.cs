namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>What a finished child process printed and returned.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    public string Output => StdOut + StdErr;

    /// <summary>For assertion messages: the command, its exit code and the tail of what it printed.</summary>
    public string Describe(int tailChars = 6000)
    {
        var output = Output.Length > tailChars ? "..." + Output[^tailChars..] : Output;
        return $"`{Command}` exited {ExitCode}:\n{output}";
    }
}
