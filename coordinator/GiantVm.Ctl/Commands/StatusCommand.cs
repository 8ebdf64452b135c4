using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl status</c>: members, agents, policy in force, paused, last round, recent migrations.</summary>
internal static class StatusCommand
{
    public static Command Create(CtlApp app)
    {
        var output = app.Output;
        return new Command("status", "Cluster members and the rebalancer, connected agents, policy in force, paused, last round, migrations in the last hour")
        {
        }.WithAction(app, (parse, client) =>
        {
            var reply = client.Call((c, ct) => c.GetStatusAsync(new StatusRequest(), ct));
            if (LiveVerb.Json(parse, output))
            {
                app.Console.Out.WriteLine(StatusView.Json(reply));
            }
            else
            {
                StatusView.Table(app.Console.Out, reply, DateTimeOffset.UtcNow, app.Width);
            }

            return ExitCodes.Ok;
        });
    }
}
