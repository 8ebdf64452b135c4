using GiantVm.Contracts.V1;
using GiantVm.Linux.Syscalls;
using GiantVm.NodeAgent.Sensing;
using Microsoft.Extensions.Logging;

namespace GiantVm.NodeAgent.Reporting;

/// <summary>Produces the next report message from a fresh sample (null when there is none to send).</summary>
internal interface IReportSource
{
    AgentMessage? SampleOnce();
}

/// <summary>
/// Keeps the previous sample and turns each new one into a report message. An unreadable sample
/// or one the mapping rejects is logged and skipped (the previous good sample stays the baseline
/// when reading failed); the first sample only sets the baseline.
/// </summary>
internal sealed class ReportSource<TSample, TReport> : IReportSource
    where TSample : class
{
    private readonly ISampler<TSample, TReport> _sampler;
    private readonly Func<TReport, DateTimeOffset, AgentMessage?> _toMessage;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private TSample? _previous;

    /// <param name="toMessage">the report as a message, or null (after logging why) when it must be skipped.</param>
    public ReportSource(ISampler<TSample, TReport> sampler, Func<TReport, DateTimeOffset, AgentMessage?> toMessage, TimeProvider time, ILogger log)
    {
        _sampler = sampler;
        _toMessage = toMessage;
        _time = time;
        _log = log;
    }

    public AgentMessage? SampleOnce()
    {
        var start = _time.GetTimestamp();
        var cpuStart = ThreadCpuTime.Seconds();
        TSample sample;
        try
        {
            sample = _sampler.TakeSample();
        }
        catch (Exception e)
        {
            _log.LogWarning("Sample skipped: {Error} ({ErrorType})", e.Message, e.GetType().Name);
            AgentMetrics.Samples.WithLabels("skipped").Inc();
            return null;
        }

        var previous = _previous;
        _previous = sample;
        if (previous is null)
        {
            return null;
        }

        try
        {
            var report = _sampler.Compute(previous, sample);
            var message = _toMessage(report, _time.GetUtcNow());
            AgentMetrics.Samples.WithLabels(message is null ? "skipped" : "reported").Inc();
            return message;
        }
        catch (Exception e)
        {
            _log.LogWarning("Sample skipped: {Error} ({ErrorType})", e.Message, e.GetType().Name);
            AgentMetrics.Samples.WithLabels("skipped").Inc();
            return null;
        }
        finally
        {
            AgentMetrics.SampleSeconds.Observe(_time.GetElapsedTime(start).TotalSeconds);
            if (cpuStart is { } c0 && ThreadCpuTime.Seconds() is { } c1)
            {
                AgentMetrics.SampleCpuSeconds.Inc(c1 - c0);
            }
        }
    }
}
