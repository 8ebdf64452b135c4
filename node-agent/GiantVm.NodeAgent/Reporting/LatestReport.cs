using GiantVm.Contracts.V1;

namespace GiantVm.NodeAgent.Reporting;

/// <summary>
/// The newest report not yet sent. A new report replaces an unsent one: while disconnected the
/// agent keeps one report, never a growing queue.
/// </summary>
internal sealed class LatestReport
{
    private readonly Wakeup _wakeup;
    private AgentMessage? _pending;

    public LatestReport(Wakeup wakeup)
    {
        _wakeup = wakeup;
    }

    public void Set(AgentMessage report)
    {
        Interlocked.Exchange(ref _pending, report);
        _wakeup.Pulse();
    }

    public AgentMessage? Take() => Interlocked.Exchange(ref _pending, null);
}
