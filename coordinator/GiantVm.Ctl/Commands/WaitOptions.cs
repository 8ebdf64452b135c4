using System.CommandLine;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Commands;

/// <summary>The <c>--wait</c> and <c>--timeout</c> options of rebalance, move and drain.</summary>
internal sealed class WaitOptions
{
    public Option<bool> Wait { get; } = new("--wait", "-w") { Description = "Wait for the results of the migrations and print them" };

    public Option<string> Timeout { get; } = new("--timeout")
    {
        Description = "With --wait: how long to wait for the results (e.g. 30s, 2m)",
        DefaultValueFactory = _ => "60s",
        HelpName = "DURATION",
    };

    public void AddTo(Command command)
    {
        command.Add(Wait);
        command.Add(Timeout);
    }

    /// <summary>How long the coordinator may hold the call before it answers: the --timeout when waiting.</summary>
    public static TimeSpan ServerWait(bool wait, double timeoutSeconds) => wait ? TimeSpan.FromSeconds(timeoutSeconds) : TimeSpan.Zero;

    /// <summary>(wait, timeout in seconds); a bad duration is exit 2 even without --wait.</summary>
    public (bool Wait, double TimeoutSeconds) Read(ParseResult parse) =>
        (parse.GetValue(Wait), ArgumentText.Duration(parse.GetValue(Timeout)!, "--timeout").TotalSeconds);
}
