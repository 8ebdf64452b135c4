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
    /// <param name="width">The width tables fit (<see cref="TerminalWidth"/>); null: no limit.</param>
    public CtlApp(TextWriter output, TextWriter error, TextReader? input = null, CoordinatorConnector? connector = null, int? width = null)
    {
        Console = new CtlConsole(output, error, input);
        Connector = connector ?? CoordinatorConnector.Default;
        Width = width;
        Verbose = new Option<bool>("--verbose", "-v")
        {
            Description = "Show details (stack traces) when something fails",
            Recursive = true,
        };
        Output = OutputOption.Create();
        Connection = LiveVerb.CreateConnection();
        Root = new RootCommand("giantvmctl: plan and inspect GiantVM BE-task migration (offline: plan, policy validate; live: status, vms, nodes, tasks, snapshot, rebalance, move, pause, resume, drain, undrain, migrations, policy show|reload, advise; completion bash|zsh|fish). " +
                               "The options -c/--coordinator, --vm, -o/--output, --request-timeout, --cert/--key/--ca and -v go before or after the verb.");
        Root.Add(Verbose);
        Root.Add(Output);
        foreach (var option in Connection.All)
        {
            Root.Add(option);
        }

        Root.Add(PlanCommand.Create(this));
        Root.Add(PolicyCommand.Create(this));
        Root.Add(ConfigCommand.Create(this));
        foreach (var live in LiveCommands.Create(this))
        {
            Root.Add(live);
        }

        Root.Add(CompletionCommand.Create(this));
    }

    /// <summary>The width tables fit, or null for no limit (output piped).</summary>
    public int? Width { get; }

    /// <summary>The one <c>-o/--output</c> (recursive: before or after the verb); each verb reads the formats it prints.</summary>
    public Option<string> Output { get; }

    /// <summary>How live verbs reach the coordinator: <c>-c</c>, <c>--vm</c>, <c>--request-timeout</c>, <c>--cert/--key/--ca</c> (recursive).</summary>
    internal LiveVerb.ConnectionOptions Connection { get; }

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
