using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;
using GiantVm.Scheduling.Policies;
using GiantVm.Scheduling.Yaml;

namespace GiantVm.Ctl.Commands;

/// <summary>
/// <c>giantvmctl policy reload [FILE]</c>: with FILE, validates it locally then sends its content;
/// alone, asks the coordinator to re-read its own file. A rejected policy is exit 2 with every error.
/// </summary>
internal static class PolicyReloadCommand
{
    public static Command Create(CtlApp app)
    {
        var file = new Argument<string?>("FILE") { Description = "A policy file to send (validated here first); without it the coordinator re-reads its own file", Arity = ArgumentArity.ZeroOrOne };
        var output = app.Output;
        return new Command("reload", "Put a new policy in force: FILE's content, or the coordinator's own file re-read; prints what changed")
        {
            file,
        }.WithAction(app, (parse, client) =>
        {
            var request = new ReloadPolicyRequest();
            if (parse.GetValue(file) is { } path)
            {
                var local = PolicyLoader.LoadFile(path);
                if (!local.Ok)
                {
                    throw PolicyArgument.Invalid(local);
                }

                request.Content = BoundedYaml.ReadFile(path, BoundedYaml.MaxPolicyBytes);
                request.SourceName = Path.GetFullPath(path);
            }

            var reply = client.Call((c, ct) => c.ReloadPolicyAsync(request, ct));
            if (!reply.Accepted)
            {
                var errors = reply.Errors.Count == 0 ? ["the coordinator gave no reason"] : reply.Errors.ToList();
                throw CtlException.Input($"the coordinator rejected the policy; {reply.Info?.Name} v{reply.Info?.Version} stays in force", errors);
            }

            if (LiveVerb.Json(parse, output))
            {
                app.Console.Out.WriteLine(PolicyView.ReloadJson(reply));
            }
            else
            {
                PolicyView.Reload(app.Console.Out, reply);
            }

            return ExitCodes.Ok;
        });
    }
}
