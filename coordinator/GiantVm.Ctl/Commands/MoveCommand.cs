using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl move PID --to K [--wait]</c>: one task to one node, through the coordinator's executor and journal.</summary>
internal static class MoveCommand
{
    public static Command Create(CtlApp app)
    {
        var pid = new Argument<int>("PID") { Description = "The BE task's process id (in the guest)" };
        var to = new Option<uint>("--to", "-t") { Description = "The target node", Required = true, HelpName = "K" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Decide and journal, but execute nothing" };
        var wait = new WaitOptions();
        var output = app.Output;
        var command = new Command("move", "Move one BE task to one node (refused when the target is drained, stale or lacks memory)")
        {
            pid,
            to,
            dryRun,
        };
        wait.AddTo(command);
        return command.WithAction(app, (parse, client) =>
        {
            var format = OutputOption.Read(parse, output, OutputFormat.Table, OutputFormat.Wide, OutputFormat.Json);
            var (waiting, timeout) = wait.Read(parse);
            var target = parse.GetValue(to);
            KnownNodes.Require(client, target);
            var reply = client.Call((c, ct) => c.MoveAsync(
                new MoveRequest { Pid = parse.GetValue(pid), ToNode = target, DryRun = parse.GetValue(dryRun), Wait = waiting, TimeoutSeconds = timeout },
                ct), WaitOptions.ServerWait(waiting, timeout));
            var outcomes = DecisionOutcome.Pair([reply.Decision], reply.Result is null ? [] : [reply.Result], waiting, reply.TimedOut);
            if (format == OutputFormat.Json)
            {
                app.Console.Out.WriteLine(LiveJson.Write(DecisionsView.Json(outcomes, reply.TimedOut, null)));
            }
            else
            {
                DecisionsView.Table(app.Console.Out, outcomes, null, app.Width, wide: format == OutputFormat.Wide);
            }

            return DecisionOutcome.ExitCode(outcomes);
        });
    }
}
