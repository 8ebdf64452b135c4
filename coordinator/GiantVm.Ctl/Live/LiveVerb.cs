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

    /// <summary>Adds <c>--coordinator</c>, <c>--cert</c>, <c>--key</c>, <c>--ca</c> to <paramref name="command"/> and sets its action.</summary>
    public static Command WithAction(this Command command, CtlApp app, Func<ParseResult, CoordinatorClient, int> body)
    {
        var connection = AddConnection(command);
        command.SetAction(parse => app.Execute(parse, () =>
        {
            using var client = connection.Open(parse, app);
            return body(parse, client);
        }));
        return command;
    }

    /// <summary>Adds the options that say how to reach the coordinator (address and certificate) to <paramref name="command"/>.</summary>
    public static ConnectionOptions AddConnection(Command command)
    {
        var options = new ConnectionOptions(
            CoordinatorOption(),
            new Option<string>("--cert") { Description = "This operator's or viewer's certificate (PEM) for https:// coordinators (default: the current context's)", HelpName = "FILE" },
            new Option<string>("--key") { Description = "Its private key (PEM)", HelpName = "FILE" },
            new Option<string>("--ca") { Description = "The deployment's CA (PEM): the coordinator's certificate must chain to it", HelpName = "FILE" });
        command.Add(options.Coordinator);
        command.Add(options.Cert);
        command.Add(options.Key);
        command.Add(options.Ca);
        return options;
    }

    /// <summary>The connection options of one verb; <see cref="Open"/> resolves them (flags, environment, current context).</summary>
    internal sealed record ConnectionOptions(Option<string> Coordinator, Option<string> Cert, Option<string> Key, Option<string> Ca)
    {
        public CoordinatorClient Open(ParseResult parse, CtlApp app)
        {
            var context = CtlConfig.Load(CtlConfig.DefaultPath(app.Connector.Environment)).Current;
            var addresses = CoordinatorAddresses.Resolve(parse.GetValue(Coordinator), app.Connector.Environment, context);
            var tls = Tls(parse.GetValue(Cert) ?? context?.Cert, parse.GetValue(Key) ?? context?.Key, parse.GetValue(Ca) ?? context?.Ca, addresses);
            return new CoordinatorClient(addresses, tls is null ? app.Connector : app.Connector.WithTls(tls));
        }
    }

    /// <summary>The TLS files (all three or none); https:// addresses need them.</summary>
    internal static GiantVm.Security.TlsMaterial? Tls(string? cert, string? key, string? ca, IReadOnlyList<Uri> addresses)
    {
        var given = new[] { cert, key, ca }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (given == 0)
        {
            return addresses.Any(a => a.Scheme == "https")
                ? throw CtlException.Input("https:// coordinators need --cert, --key and --ca (or a context that names them: giantvmctl config --help)")
                : null;
        }

        if (given < 3)
        {
            throw CtlException.Input("--cert, --key and --ca go together");
        }

        try
        {
            return new GiantVm.Security.TlsMaterial(cert!, key!, ca!);
        }
        catch (GiantVm.Security.TlsConfigException e)
        {
            throw CtlException.Input("--cert/--key/--ca: " + e.Message);
        }
    }

    public static bool Json(ParseResult parse, Option<string> output) =>
        OutputOption.Parse(parse.GetValue(output)!) == OutputFormat.Json;
}
