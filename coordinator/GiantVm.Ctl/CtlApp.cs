using System.CommandLine;
using System.CommandLine.Invocation;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Commands;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl;

/// <summary>
/// giantvmctl: the command tree and how a run ends. Each verb lives in its own file under
/// Commands/ and is added here; they share <see cref="CtlConsole"/> (output, errors, exit codes)
/// and the root's recursive <c>--verbose</c>. Live verbs over AdminService plug in the same way.
/// </summary>
public sealed class CtlApp
{
    public CtlApp(TextWriter output, TextWriter error, TextReader? input = null, CoordinatorConnector? connector = null)
    {
        Console = new CtlConsole(output, error, input);
        Connector = connector ?? CoordinatorConnector.Default;
        Verbose = new Option<bool>("--verbose", "-v")
        {
            Description = "Show details (stack traces) when something fails",
            Recursive = true,
        };
        Root = new RootCommand("giantvmctl: plan and inspect GiantVM BE-task migration (offline: plan, policy validate; live: status, nodes, tasks, snapshot, rebalance, move, pause, resume, drain, undrain, migrations, policy show|reload, advise)");
        Root.Add(Verbose);
        Root.Add(PlanCommand.Create(this));
        Root.Add(PolicyCommand.Create(this));
        Root.Add(ConfigCommand.Create(this));
        foreach (var live in LiveCommands.Create(this))
        {
            Root.Add(live);
        }
    }

    /// <summary>How live verbs reach the coordinator.</summary>
    public CoordinatorConnector Connector { get; }

    public CtlConsole Console { get; }

    public Option<bool> Verbose { get; }

    public RootCommand Root { get; }

    /// <summary>Parses and runs; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public int Run(IReadOnlyList<string> args)
    {
        var parse = Root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is null or ParseErrorAction)
        {
            var path = string.Join(' ', CommandPath(parse.CommandResult.Command));
            // "Required command was not provided" is the least helpful when there is anything else to say.
            var error = parse.Errors.FirstOrDefault(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)) ?? parse.Errors[0];
            return Console.UsageError(error.Message, path);
        }

        return parse.Invoke(new InvocationConfiguration
        {
            Output = Console.Out,
            Error = Console.Error,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary>Runs a verb's body with the shared error handling.</summary>
    public int Execute(ParseResult parse, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return Console.Run(parse.GetValue(Verbose), body);
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c is RootCommand ? CtlConsole.Program : c.Name);
        }

        return names;
    }
}
