using System.CommandLine;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl config view</c> and <c>giantvmctl config use-context NAME</c>: the contexts file (<see cref="CtlConfig"/>).</summary>
internal static class ConfigCommand
{
    public static Command Create(CtlApp app)
    {
        var config = new Command("config", $"Show or change giantvmctl's contexts file (${CtlConfig.EnvironmentVariable}, else ~/.config/giantvm/config.yaml): named coordinator addresses, vm and certificate paths; --coordinator/--cert/--key/--ca and {CoordinatorConnector.EnvironmentVariable} override the current context");

        var view = new Command("view", "Print the contexts file (the current context marked)");
        view.SetAction(parse => app.Execute(parse, () =>
        {
            var file = CtlConfig.Load(CtlConfig.DefaultPath(app.Connector.Environment));
            app.Console.Out.WriteLine($"# {file.Path}{(File.Exists(file.Path) ? "" : " (does not exist yet)")}");
            app.Console.Out.Write(file.Render());
            return ExitCodes.Ok;
        }));

        var name = new Argument<string>("name") { Description = "A context named in the file" };
        var use = new Command("use-context", "Make NAME the current context") { name };
        use.SetAction(parse => app.Execute(parse, () =>
        {
            var file = CtlConfig.Load(CtlConfig.DefaultPath(app.Connector.Environment));
            var wanted = parse.GetValue(name)!;
            if (!file.Contexts.Any(c => c.Name == wanted))
            {
                throw CtlException.Input(file.Contexts.Count == 0
                    ? $"{file.Path}: no contexts defined; add one under 'contexts:' (see giantvmctl config --help)"
                    : $"no context '{wanted}' in {file.Path} (have: {string.Join(", ", file.Contexts.Select(c => c.Name))})");
            }

            var updated = file with { CurrentContext = wanted };
            var tmp = file.Path + ".tmp";
            File.WriteAllText(tmp, updated.Render());
            File.Move(tmp, file.Path, overwrite: true);
            app.Console.Out.WriteLine($"current context: {wanted}");
            return ExitCodes.Ok;
        }));

        config.Add(view);
        config.Add(use);
        return config;
    }
}
