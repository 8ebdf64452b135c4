using System.CommandLine;
using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl undrain K</c>: the node may be a target again.</summary>
internal static class UndrainCommand
{
    public static Command Create(CtlApp app)
    {
        var node = new Argument<uint>("K") { Description = "The node to undrain" };
        var output = app.Output;
        return new Command("undrain", "Let a drained node be a target again")
        {
            node,
        }.WithAction(app, (parse, client) =>
        {
            var k = parse.GetValue(node);
            KnownNodes.Require(client, k);
            var reply = client.Call((c, ct) => c.UndrainAsync(new UndrainRequest { NodeId = k }, ct));
            app.Console.Out.WriteLine(LiveVerb.Json(parse, output)
                ? LiveJson.Write(new JsonObject { ["drainedNodes"] = LiveJson.Array(reply.DrainedNodes, n => JsonValue.Create(n)) })
                : $"node {k} undrained; drained nodes: {DrainCommand.DrainedList(reply)}");
            return ExitCodes.Ok;
        });
    }
}
