using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary>
/// <c>giantvmctl rebalance [--dry-run] [--wait] [--timeout 60s]</c>: a decision round now. Exit 0
/// when every decision ended done, partial or vanished (or nothing to do), 1 when any ended
/// failed, refused or timed out.
/// </summary>
internal static class RebalanceCommand
{
    public static Command Create(CtlApp app)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Decide and journal, but execute nothing" };
        var wait = new WaitOptions();
        var output = OutputOption.Create();
        var command = new Command("rebalance", "Run a decision round now and print each decision with its reason (with --wait, the results too). " +
                                               "Exit 1 when any migration ended failed, refused or timed out")
        {
            dryRun,
            output,
        };
        wait.AddTo(command);
        return command.WithAction(app, (parse, client) =>
        {
            var (waiting, timeout) = wait.Read(parse);
            var reply = client.Call((c, ct) => c.RebalanceAsync(
                new RebalanceRequest { DryRun = parse.GetValue(dryRun), Wait = waiting, TimeoutSeconds = timeout }, cancellationToken: ct));
            var outcomes = DecisionOutcome.Pair(reply.Decisions, reply.Results, waiting, reply.TimedOut);
            if (LiveVerb.Json(parse, output))
            {
                app.Console.Out.WriteLine(LiveJson.Write(DecisionsView.Json(outcomes, reply.TimedOut, reply.Message)));
            }
            else
            {
                DecisionsView.Table(app.Console.Out, outcomes, reply.Message);
            }

            return DecisionOutcome.ExitCode(outcomes);
        });
    }
}
