using System.CommandLine;
using GiantVm.Ctl.Cli;

namespace GiantVm.Ctl.Live;

/// <summary>
/// What every live verb shares: the connection options (recursive on the root, so they go before
/// or after the verb) and a client for the run.
/// </summary>
internal static class LiveVerb
{
    /// <summary>The request timeout when <c>--request-timeout</c> is not given.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Sets <paramref name="command"/>'s action: a client from the root's connection options, then <paramref name="body"/>.</summary>
    public static Command WithAction(this Command command, CtlApp app, Func<ParseResult, CoordinatorClient, int> body)
    {
        command.SetAction(parse => app.Execute(parse, () =>
        {
            using var client = app.Connection.Open(parse, app);
            return body(parse, client);
        }));
        return command;
    }

    /// <summary>The options that say how to reach the coordinator, added once to the root (recursive).</summary>
    public static ConnectionOptions CreateConnection()
    {
        var timeout = new Option<string>("--request-timeout")
        {
            Description = $"Deadline of every call to the coordinator (30s, 2m, 500ms); a coordinator that does not answer in time is exit {ExitCodes.Unreachable} (verbs with --wait add their --timeout) [default: 30s]",
            HelpName = "DURATION",
            Recursive = true,
        };
        return new ConnectionOptions(
            new Option<string>("--coordinator", "-c")
            {
                Description = $"Coordinator address(es), tried in turn (default: ${CoordinatorConnector.EnvironmentVariable}, else the current context's, else {CoordinatorConnector.DefaultAddress})",
                HelpName = "URL[,URL...]",
                Recursive = true,
            },
            new Option<string>("--vm") { Description = "The GiantVM instance to act on, sent in every request (default: $GIANTVM_VM, else the current context's, else the only instance the coordinator serves)", HelpName = "NAME", Recursive = true },
            timeout,
            new Option<string>("--cert") { Description = "This operator's or viewer's certificate (PEM) for https:// coordinators (default: the current context's)", HelpName = "FILE", Recursive = true },
            new Option<string>("--key") { Description = "Its private key (PEM)", HelpName = "FILE", Recursive = true },
            new Option<string>("--ca") { Description = "The deployment's CA (PEM): the coordinator's certificate must chain to it", HelpName = "FILE", Recursive = true });
    }

    /// <summary>The environment variable naming the instance when <c>--vm</c> is not given.</summary>
    public const string VmEnvironmentVariable = "GIANTVM_VM";

    /// <summary>The connection options; <see cref="Open"/> resolves them (flags, environment, current context).</summary>

    internal sealed record ConnectionOptions(Option<string> Coordinator, Option<string> Vm, Option<string> RequestTimeout, Option<string> Cert, Option<string> Key, Option<string> Ca)
    {
        public IEnumerable<Option> All => [Coordinator, Vm, RequestTimeout, Cert, Key, Ca];

        public CoordinatorClient Open(ParseResult parse, CtlApp app)
        {
            var timeout = parse.GetValue(RequestTimeout) is { } t ? ArgumentText.Duration(t, "--request-timeout") : DefaultRequestTimeout;
            var context = CtlConfig.Load(CtlConfig.DefaultPath(app.Connector.Environment)).Current;
            var addresses = CoordinatorAddresses.Resolve(parse.GetValue(Coordinator), app.Connector.Environment, context);
            var tls = Tls(parse.GetValue(Cert) ?? context?.Cert, parse.GetValue(Key) ?? context?.Key, parse.GetValue(Ca) ?? context?.Ca, addresses);
            var vm = parse.GetValue(Vm) is { Length: > 0 } v ? v
                : app.Connector.Environment(VmEnvironmentVariable) is { Length: > 0 } e ? e
                : context?.Vm;
            return new CoordinatorClient(addresses, tls is null ? app.Connector : app.Connector.WithTls(tls), timeout, vm);
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

    /// <summary>True for <c>-o json</c>, false for <c>-o table</c>; other formats are a usage error (the verb prints a table or JSON).</summary>
    public static bool Json(ParseResult parse, Option<string> output) =>
        OutputOption.Read(parse, output, OutputFormat.Table, OutputFormat.Json) == OutputFormat.Json;
}
