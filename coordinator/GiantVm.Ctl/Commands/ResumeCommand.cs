using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl resume</c>: restart automatic rounds.</summary>
internal static class ResumeCommand
{
    public static Command Create(CtlApp app)
    {
        var output = app.Output;
        return new Command("resume", "Restart automatic decision rounds")
        {
        }.WithAction(app, (parse, client) =>
        {
            var reply = client.Call((c, ct) => c.ResumeAsync(new ResumeRequest(), ct));
            PauseCommand.Write(app, parse, output, reply);
            return ExitCodes.Ok;
        });
    }
}
