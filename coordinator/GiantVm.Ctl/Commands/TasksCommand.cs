using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl tasks [--node K]</c>: BE tasks with node, RSS, CPU, last move.</summary>
internal static class TasksCommand
{
    public static Command Create(CtlApp app)
    {
        var node = new Option<uint?>("--node", "-n") { Description = "Only the tasks on this node", HelpName = "K" };
        var output = app.Output;
        return new Command("tasks", "BE tasks with their node, RSS, CPU and last move")
        {
            node,
        }.WithAction(app, (parse, client) =>
        {
            var format = OutputOption.Read(parse, output, OutputFormat.Table, OutputFormat.Wide, OutputFormat.Json);
            var request = new TasksRequest();
            if (parse.GetValue(node) is { } k)
            {
                KnownNodes.Require(client, k);
                request.NodeId = k;
            }

            var reply = client.Call((c, ct) => c.ListTasksAsync(request, ct));
            if (format == OutputFormat.Json)
            {
                app.Console.Out.WriteLine(TasksView.Json(reply));
            }
            else
            {
                TasksView.Table(app.Console.Out, reply, DateTimeOffset.UtcNow, app.Width, wide: format == OutputFormat.Wide);
            }

            return ExitCodes.Ok;
        });
    }
}
