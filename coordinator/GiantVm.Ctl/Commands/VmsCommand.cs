using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl vms</c>: every GiantVM instance the coordinator cluster serves.</summary>
internal static class VmsCommand
{
    public static Command Create(CtlApp app)
    {
        var output = app.Output;
        return new Command("vms", "Every GiantVM instance the coordinator cluster serves: the member hosting its rebalancer, nodes, hot nodes, BE tasks, paused, policy, migrations in the last hour, agents connected")
        {
        }.WithAction(app, (parse, client) =>
        {
            var format = OutputOption.Read(parse, output, OutputFormat.Table, OutputFormat.Json);
            var reply = client.Call((c, ct) => c.ListVmsAsync(new VmsRequest(), ct));
            if (format == OutputFormat.Json)
            {
                app.Console.Out.WriteLine(VmsView.Json(reply));
            }
            else
            {
                VmsView.Table(app.Console.Out, reply, app.Width);
            }

            return ExitCodes.Ok;
        });
    }
}
