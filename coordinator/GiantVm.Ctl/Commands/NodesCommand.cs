using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl nodes</c>: per virtual NUMA node steal, state, host load, memory, report age, drained, BE tasks.</summary>
internal static class NodesCommand
{
    public static Command Create(CtlApp app)
    {
        var output = app.Output;
        return new Command("nodes", "Per virtual NUMA node: raw and smoothed steal, hot/cool/stale, host LC load and capacity, memory free, report age, drained, BE tasks")
        {
        }.WithAction(app, (parse, client) =>
        {
            var format = OutputOption.Read(parse, output, OutputFormat.Table, OutputFormat.Wide, OutputFormat.Json);
            var reply = client.Call((c, ct) => c.ListNodesAsync(new NodesRequest(), ct));
            if (format == OutputFormat.Json)
            {
                app.Console.Out.WriteLine(NodesView.Json(reply));
            }
            else
            {
                NodesView.Table(app.Console.Out, reply, app.Width, wide: format == OutputFormat.Wide);
            }

            return ExitCodes.Ok;
        });
    }
}
