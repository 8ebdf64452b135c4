using System.CommandLine;

namespace GiantVm.Ctl.Cli;

/// <summary>
/// How a verb prints its result (<c>-o table|wide|json|jsonl</c>): a table for people, a wide
/// table with more columns where the verb has more to show, JSON for scripts, JSON Lines where
/// the verb prints a stream of records.
/// </summary>
public enum OutputFormat
{
    Table,
    Wide,
    Json,
    JsonLines,
}

/// <summary>The one <c>-o/--output</c> option (recursive on the root: before or after the verb).</summary>
public static class OutputOption
{
    private static readonly (string Name, OutputFormat Format)[] Names =
        [("table", OutputFormat.Table), ("wide", OutputFormat.Wide), ("json", OutputFormat.Json), ("jsonl", OutputFormat.JsonLines)];

    public static Option<string> Create()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: table (for people), wide (a table with more columns: nodes, tasks, migrations, rebalance, move, drain), " +
                          "json (for scripts), jsonl (migrations: one JSON record a line); a verb asked for a format it does not print says which it prints",
            DefaultValueFactory = _ => "table",
            HelpName = "table|wide|json|jsonl",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong(Names.Select(n => n.Name).ToArray());
        return option;
    }

    public static string Name(OutputFormat format) => Names.First(n => n.Format == format).Name;

    /// <summary>
    /// The format asked for, when the verb prints it; else a usage error naming the formats the
    /// verb does print (exit 2).
    /// </summary>
    public static OutputFormat Read(ParseResult parse, Option<string> option, params OutputFormat[] supported)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var text = parse.GetValue(option) ?? "table";
        var format = Names.FirstOrDefault(n => n.Name == text).Format;
        if (!supported.Contains(format))
        {
            var verb = string.Join(' ', Path(parse.CommandResult.Command));
            throw CtlException.Input($"-o {text}: {verb} prints {string.Join(", ", supported[..^1].Select(Name))} or {Name(supported[^1])}");
        }

        return format;
    }

    private static IEnumerable<string> Path(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c and not RootCommand; s = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return names;
    }
}
