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
        var output = app.Output;
        var command = new Command("rebalance", "Run a decision round now and print each decision with its reason (with --wait, the results too). " +
                                               "Exit 1 when any migration ended failed, refused or timed out")
        {
            dryRun,
        };
        wait.AddTo(command);
        return command.WithAction(app, (parse, client) =>
        {
            var format = OutputOption.Read(parse, output, OutputFormat.Table, OutputFormat.Wide, OutputFormat.Json);
            var (waiting, timeout) = wait.Read(parse);
            var reply = client.Call((c, ct) => c.RebalanceAsync(
                new RebalanceRequest { DryRun = parse.GetValue(dryRun), Wait = waiting, TimeoutSeconds = timeout }, ct), WaitOptions.ServerWait(waiting, timeout));
            var outcomes = DecisionOutcome.Pair(reply.Decisions, reply.Results, waiting, reply.TimedOut);
            if (format == OutputFormat.Json)
            {
                app.Console.Out.WriteLine(LiveJson.Write(DecisionsView.Json(outcomes, reply.TimedOut, reply.Message)));
            }
            else
            {
                DecisionsView.Table(app.Console.Out, outcomes, reply.Message, app.Width, wide: format == OutputFormat.Wide);
            }

            return DecisionOutcome.ExitCode(outcomes);
        });
    }
}
