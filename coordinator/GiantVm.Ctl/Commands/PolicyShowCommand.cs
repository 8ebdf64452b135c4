using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl policy show</c>: the policy in force (source, version, loaded at) and its text.</summary>
internal static class PolicyShowCommand
{
    public static Command Create(CtlApp app)
    {
        var output = app.Output;
        return new Command("show", "Print the policy in force: a header comment (name, version, mode, source, loaded at), then the file's text")
        {
        }.WithAction(app, (parse, client) =>
        {
            var reply = client.Call((c, ct) => c.GetPolicyAsync(new GetPolicyRequest(), ct));
            if (LiveVerb.Json(parse, output))
            {
                app.Console.Out.WriteLine(PolicyView.ShowJson(reply));
            }
            else
            {
                PolicyView.Show(app.Console.Out, reply);
            }

            return ExitCodes.Ok;
        });
    }
}
