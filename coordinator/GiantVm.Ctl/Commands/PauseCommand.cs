using System.CommandLine;
using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl pause [--reason TEXT]</c>: stop automatic rounds (manual verbs still work).</summary>
internal static class PauseCommand
{
    public static Command Create(CtlApp app)
    {
        var reason = new Option<string>("--reason") { Description = "Why (logged by the coordinator)", HelpName = "TEXT" };
        var output = app.Output;
        return new Command("pause", "Stop automatic decision rounds (rebalance, move and drain still work)")
        {
            reason,
        }.WithAction(app, (parse, client) =>
        {
            var reply = client.Call((c, ct) => c.PauseAsync(new PauseRequest { Reason = parse.GetValue(reason) ?? "" }, ct));
            Write(app, parse, output, reply);
            return ExitCodes.Ok;
        });
    }

    /// <summary>Prints the pause state (shared with resume).</summary>
    public static void Write(CtlApp app, ParseResult parse, Option<string> output, PauseReply reply)
    {
        app.Console.Out.WriteLine(LiveVerb.Json(parse, output)
            ? LiveJson.Write(new JsonObject { ["paused"] = reply.Paused })
            : reply.Paused ? "paused: automatic rounds stopped (manual verbs still work)" : "running: automatic rounds resumed");
    }
}
