using System.CommandLine;
using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Cli;

/// <summary>The giantvm-sim command line: <c>synth</c>, <c>run</c>, <c>sweep</c> and <c>emulate</c>.</summary>
internal static class SimCli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        bool verbose = args.Contains("--verbose");
        var verboseOption = new Option<bool>("--verbose") { Description = "Show stack traces on errors", Recursive = true };
        var root = new RootCommand("giantvm-sim: synthetic Google-format traces and trace-driven evaluation of GiantVM policies")
        {
            verboseOption,
        };
        root.Subcommands.Add(SynthCommand.Create(stdout, stderr));
        root.Subcommands.Add(TraceRunCommand.Create(stdout, stderr));
        root.Subcommands.Add(SweepCommand.Create(stdout, stderr));
        root.Subcommands.Add(EmulateCommand.Create(stdout, stderr));

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"giantvm-sim: {parse.Errors[0].Message} (see --help)");
            return ExitCodes.Usage;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is UsageException or TraceFormatException)
        {
            stderr.WriteLine($"giantvm-sim: {e.Message}");
            if (verbose)
            {
                stderr.WriteLine(e);
            }

            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"giantvm-sim: {e.Message}");
            if (verbose)
            {
                stderr.WriteLine(e);
            }

            return ExitCodes.Failed;
        }
    }
}
