using System.CommandLine;
using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl drain K [--evacuate] [--wait]</c>: a drained node is never a target; --evacuate moves its BE tasks away now.</summary>
internal static class DrainCommand
{
    public static Command Create(CtlApp app)
    {
        var node = new Argument<uint>("K") { Description = "The node to drain" };
        var evacuate = new Option<bool>("--evacuate", "-e") { Description = "Also move the node's BE tasks away now" };
        var wait = new WaitOptions();
        var output = app.Output;
        var command = new Command("drain", "Mark a node drained: it is never chosen as a target (--evacuate also moves its BE tasks away). " +
                                           "Exit 1 when an evacuation ended failed, refused or timed out")
        {
            node,
            evacuate,
        };
        wait.AddTo(command);
        return command.WithAction(app, (parse, client) =>
        {
            var format = OutputOption.Read(parse, output, OutputFormat.Table, OutputFormat.Wide, OutputFormat.Json);
            var (waiting, timeout) = wait.Read(parse);
            var k = parse.GetValue(node);
            KnownNodes.Require(client, k);
            var reply = client.Call((c, ct) => c.DrainAsync(
                new DrainRequest { NodeId = k, Evacuate = parse.GetValue(evacuate), Wait = waiting, TimeoutSeconds = timeout }, ct), WaitOptions.ServerWait(waiting, timeout));
            var outcomes = DecisionOutcome.Pair(reply.Decisions, reply.Results, waiting, reply.TimedOut);
            if (format == OutputFormat.Json)
            {
                var json = DecisionsView.Json(outcomes, reply.TimedOut, null);
                json.Insert(0, "drainedNodes", LiveJson.Array(reply.DrainedNodes, n => JsonValue.Create(n)));
                app.Console.Out.WriteLine(LiveJson.Write(json));
            }
            else
            {
                app.Console.Out.WriteLine($"node {k} drained; drained nodes: {DrainedList(reply)}");
                if (parse.GetValue(evacuate))
                {
                    DecisionsView.Table(app.Console.Out, outcomes, "no BE task to evacuate", app.Width, wide: format == OutputFormat.Wide);
                }
            }

            return DecisionOutcome.ExitCode(outcomes);
        });
    }

    public static string DrainedList(DrainReply reply) =>
        reply.DrainedNodes.Count == 0 ? "none" : string.Join(", ", reply.DrainedNodes.Order());
}
