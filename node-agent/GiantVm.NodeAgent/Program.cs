namespace GiantVm.NodeAgent;

/// <summary>giantvm-agent's entry point: everything happens in <see cref="AgentCommandLine"/>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // the JIT runtime does this itself; a NativeAOT build must (see FileLimit.RaiseSoftToHard)
        Linux.Syscalls.FileLimit.RaiseSoftToHard();
        return AgentCommandLine.RunAsync(args, Console.Out, Console.Error, TimeProvider.System);
    }
}
