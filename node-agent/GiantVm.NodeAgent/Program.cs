namespace GiantVm.NodeAgent;

/// <summary>giantvm-agent's entry point: everything happens in <see cref="AgentCommandLine"/>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        AgentCommandLine.RunAsync(args, Console.Out, Console.Error, TimeProvider.System);
}
