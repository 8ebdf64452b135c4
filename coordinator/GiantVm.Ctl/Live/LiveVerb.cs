using System.CommandLine;
using GiantVm.Ctl.Cli;

namespace GiantVm.Ctl.Live;

/// <summary>What every live verb shares: the <c>--coordinator</c> option and a client for the run.</summary>
internal static class LiveVerb
{
    public static Option<string> CoordinatorOption() => new("--coordinator", "-c")
    {
        Description = $"Coordinator address(es), tried in turn (default: ${CoordinatorConnector.EnvironmentVariable}, else {CoordinatorConnector.DefaultAddress})",
        HelpName = "URL[,URL...]",
    };

    /// <summary>Adds <c>--coordinator</c> to <paramref name="command"/> and sets its action.</summary>
    public static Command WithAction(this Command command, CtlApp app, Func<ParseResult, CoordinatorClient, int> body)
    {
        var coordinator = CoordinatorOption();
        command.Add(coordinator);
        command.SetAction(parse => app.Execute(parse, () =>
        {
            var addresses = CoordinatorAddresses.Resolve(parse.GetValue(coordinator), app.Connector.Environment);
            using var client = new CoordinatorClient(addresses, app.Connector);
            return body(parse, client);
        }));
        return command;
    }

    public static bool Json(ParseResult parse, Option<string> output) =>
        OutputOption.Parse(parse.GetValue(output)!) == OutputFormat.Json;
}
