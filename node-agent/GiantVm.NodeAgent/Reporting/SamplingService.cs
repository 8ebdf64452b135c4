using Microsoft.Extensions.Hosting;

namespace GiantVm.NodeAgent.Reporting;

/// <summary>Samples every report interval and leaves the newest report for the sender.</summary>
internal sealed class SamplingService : BackgroundService
{
    private readonly IReportSource _source;
    private readonly LatestReport _latest;
    private readonly ReportInterval _interval;
    private readonly TimeProvider _time;

    public SamplingService(IReportSource source, LatestReport latest, ReportInterval interval, TimeProvider time)
    {
        _source = source;
        _latest = latest;
        _interval = interval;
        _time = time;
    }

    /// <summary>One step of the loop: sample, and hand a report (if any) to the sender.</summary>
    public void SampleOnce()
    {
        if (_source.SampleOnce() is { } message)
        {
            _latest.Set(message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            // fixed rate: the time a sample takes does not stretch the interval
            var started = _time.GetTimestamp();
            SampleOnce();
            var wait = _interval.Current - _time.GetElapsedTime(started);
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
