using System.CommandLine;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Planning;
using GiantVm.Scheduling.Model;

namespace GiantVm.Ctl.Commands;

/// <summary>
/// <c>giantvmctl plan --snapshot FILE --policy FILE|NAME [-o table|json]</c>: what the policy
/// decides for a snapshot (taken as sustained) or a JSON Lines series (rules as in production).
/// </summary>
internal static class PlanCommand
{
    public static Command Create(CtlApp app)
    {
        var snapshot = new Option<string>("--snapshot", "-s")
        {
            Description = "A snapshot JSON file, or a JSON Lines file of successive snapshots ('-' reads stdin)",
            Required = true,
            HelpName = "FILE",
        };
        var policy = new Option<string>("--policy", "-p")
        {
            Description = "A policy file, or a shipped policy: none, all-be, balanced, least-tasks, random, default, demo, lc-harm, lc-harm-frugal",
            DefaultValueFactory = _ => "default",
            HelpName = "FILE|NAME",
        };
        var output = app.Output;

        var command = new Command("plan",
            "Run the decision core offline. One snapshot: its steal is taken as sustained (\"what would you do now?\"). " +
            "A JSON Lines series: the rules run as in production, rounds advancing by each snapshot's time.")
        {
            snapshot,
            policy,
        };
        command.SetAction(parse => app.Execute(parse, () =>
        {
            var loaded = PolicyArgument.Load(parse.GetValue(policy)!);
            var path = parse.GetValue(snapshot)!;
            var series = ReadSeries(path, app.Console);
            var plan = PlanRunner.Run(series, loaded);
            if (OutputOption.Read(parse, output, OutputFormat.Table, OutputFormat.Json) == OutputFormat.Json)
            {
                app.Console.Out.WriteLine(PlanJson.Write(plan));
            }
            else
            {
                PlanTable.Write(app.Console.Out, plan, loaded, path);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static IReadOnlyList<Snapshot> ReadSeries(string path, CtlConsole console)
    {
        string text;
        try
        {
            text = path == "-" ? console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException when Directory.Exists(path) => "it is a directory",
                _ => e.Message,
            };
            throw CtlException.Input($"cannot read snapshot file {path}: {why}", inner: e);
        }

        try
        {
            return SnapshotJson.ReadSeries(text, path == "-" ? "<stdin>" : path);
        }
        catch (SnapshotFormatException e)
        {
            throw CtlException.Input(e.Message, inner: e);
        }
    }
}
