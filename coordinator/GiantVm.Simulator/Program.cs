using GiantVm.Simulator.Cli;

namespace GiantVm.Simulator;

/// <summary>giantvm-sim entry point (a named class so that projects referencing this one see no global Program).</summary>
internal static class Program
{
    public static int Main(string[] args) => SimCli.Run(args, Console.Out, Console.Error);
}
