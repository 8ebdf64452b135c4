using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl advise [--cpus N] [--memory 4G]</c>: the node a new BE task should start on, a bare number (<c>numactl -N $(giantvmctl advise)</c>).</summary>
internal static class AdviseCommand
{
    public static Command Create(CtlApp app)
    {
        var cpus = new Option<double?>("--cpus") { Description = "CPU cores the task will use", HelpName = "N" };
        var memory = new Option<string>("--memory", "-m") { Description = "Memory the task will need (e.g. 4G, 512M)", HelpName = "SIZE" };
        var output = app.Output;
        return new Command("advise", "Print the node a new BE task should start on, as a bare number (for numactl -N $(giantvmctl advise)); exit 1 when no node fits")
        {
            cpus,
            memory,
        }.WithAction(app, (parse, client) =>
        {
            var request = new AdviseRequest
            {
                CpuCores = parse.GetValue(cpus) is { } n ? (n > 0 ? n : throw CtlException.Input($"--cpus: must be more than 0 (got {n.ToString(CultureInfo.InvariantCulture)})")) : 0,
                MemoryBytes = parse.GetValue(memory) is { } m ? (ulong)ArgumentText.Bytes(m, "--memory") : 0,
            };
            var reply = client.Call((c, ct) => c.AdviseAsync(request, ct));
            app.Console.Out.WriteLine(LiveVerb.Json(parse, output)
                ? LiveJson.Write(new JsonObject
                {
                    ["node"] = reply.NodeId,
                    ["reason"] = reply.Reason,
                    ["scores"] = LiveJson.Array(reply.Scores, s => new JsonObject
                    {
                        ["node"] = s.NodeId,
                        ["smoothedStealRatio"] = s.Score,
                        ["eligible"] = s.Eligible,
                        ["note"] = s.Note.Length == 0 ? null : s.Note,
                    }),
                })
                : reply.NodeId.ToString(CultureInfo.InvariantCulture));
            return ExitCodes.Ok;
        });
    }
}
