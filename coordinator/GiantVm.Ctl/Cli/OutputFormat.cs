using System.CommandLine;

namespace GiantVm.Ctl.Cli;

/// <summary>How a verb prints its result: a table for people, JSON for scripts (<c>-o table|json</c>).</summary>
public enum OutputFormat
{
    Table,
    Json,
}

/// <summary>The shared <c>-o/--output</c> option.</summary>
public static class OutputOption
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: table (for people) or json (for scripts)",
            DefaultValueFactory = _ => "table",
            HelpName = "table|json",
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }

    public static OutputFormat Parse(string value) => value == "json" ? OutputFormat.Json : OutputFormat.Table;
}
