using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl snapshot</c>: the coordinator's current snapshot in the decision core's JSON format (input of <c>plan</c>).</summary>
internal static class SnapshotCommand
{
    public static Command Create(CtlApp app) =>
        new Command("snapshot", "Print the coordinator's current snapshot in the decision core's format (giantvmctl snapshot > s.json && giantvmctl plan --snapshot s.json)")
            .WithAction(app, (_, client) =>
            {
                var reply = client.Call((c, ct) => c.GetSnapshotAsync(new SnapshotRequest(), ct));
                app.Console.Out.WriteLine(reply.SnapshotJson);
                return ExitCodes.Ok;
            });
}
