using GiantVm.Contracts.V1;
using GiantVm.NodeAgent.Execution;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GiantVm.NodeAgent.Reporting;

/// <summary>
/// The agent's one bidirectional stream to the coordinator: hello, then the latest report and
/// any migration results as they come; acks, settings and migrate commands come back. When the
/// stream fails it tries the next address after a jittered exponential backoff, forever (until
/// the agent stops). A coordinator member that is frozen or cut off (its socket still open) is
/// given up by HTTP/2 keepalive pings and by a stream that stays silent for
/// <see cref="StreamHealth.SilentIntervals"/> report intervals after a report was sent
/// (<see cref="StreamHealth"/>). The session body <see cref="RunSessionAsync"/> is testable on its own.
/// </summary>
internal sealed class CoordinatorConnection : BackgroundService
{
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<Uri> _addresses;
    private readonly Func<Hello> _hello;
    private readonly LatestReport _reports;
    private readonly ResultOutbox _results;
    private readonly Wakeup _wakeup;
    private readonly MigrationDispatcher? _dispatcher;
    private readonly ReportInterval _interval;
    private readonly Backoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _vm;
    private readonly GiantVm.Security.TlsMaterial? _tls;
    private readonly StreamHealth _health;

    // when each command not yet answered arrived (timestamp), for the "sent N ms after" log line
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _arrived = new();

    public CoordinatorConnection(
        IReadOnlyList<Uri> addresses,
        string vm,
        Func<Hello> hello,
        LatestReport reports,
        ResultOutbox results,
        Wakeup wakeup,
        MigrationDispatcher? dispatcher,
        ReportInterval interval,
        Backoff backoff,
        TimeProvider time,
        ILogger<CoordinatorConnection> log,
        GiantVm.Security.TlsMaterial? tls = null,
        StreamHealth? health = null)
    {
        _tls = tls;
        _health = health ?? StreamHealth.Default;
        _addresses = addresses;
        _vm = vm;
        _hello = hello;
        _reports = reports;
        _results = results;
        _wakeup = wakeup;
        _dispatcher = dispatcher;
        _interval = interval;
        _backoff = backoff;
        _time = time;
        _log = log;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        var index = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var address = _addresses[index % _addresses.Count];
            var (acknowledged, reason) = await RunSessionAsync(address, stoppingToken);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            failures = acknowledged ? 1 : failures + 1;
            index++;
            var delay = _backoff.Delay(failures, Random.Shared.NextDouble());
            _log.LogWarning("Coordinator {Address}: {Reason}; trying {Next} in {DelaySeconds:0.0} s",
                address, reason, _addresses[index % _addresses.Count], delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private SocketsHttpHandler WithTls(SocketsHttpHandler handler) => _tls is null
        ? handler
        : GiantVm.Security.ClientTls.Use(handler, _tls, reason => _log.LogWarning("TLS: {Reason}", reason));

    /// <summary>
    /// One stream: returns whether the coordinator acknowledged the hello, and why the stream
    /// ended. Never throws (except when <paramref name="stopping"/> is cancelled, it returns).
    /// </summary>
    public async Task<(bool Acknowledged, string Reason)> RunSessionAsync(Uri address, CancellationToken stopping)
    {
        var acknowledged = false;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = WithTls(new SocketsHttpHandler
                {
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                    KeepAlivePingDelay = _health.PingDelay,
                    KeepAlivePingTimeout = _health.PingTimeout,
                    KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                }),
            });
            var client = new AgentService.AgentServiceClient(channel);
            using var call = client.Connect(cancellationToken: session.Token);
            ulong sequence = 0;
            await call.RequestStream.WriteAsync(new AgentMessage { Sequence = ++sequence, Hello = _hello() }, session.Token);
            AgentMetrics.MessagesSent.WithLabels("hello").Inc();

            using (var helloWait = CancellationTokenSource.CreateLinkedTokenSource(session.Token))
            {
                helloWait.CancelAfter(HelloTimeout);
                if (!await call.ResponseStream.MoveNext(helloWait.Token))
                {
                    AgentMetrics.Connects.WithLabels("failed").Inc();
                    return (false, "stream closed before hello_ack");
                }
            }

            var first = call.ResponseStream.Current;
            if (first.PayloadCase != CoordinatorMessage.PayloadOneofCase.HelloAck)
            {
                AgentMetrics.Connects.WithLabels("failed").Inc();
                return (false, $"expected hello_ack, got {first.PayloadCase}");
            }

            acknowledged = true;
            AgentMetrics.Connects.WithLabels("ok").Inc();
            AgentMetrics.Connected.Set(1);
            ApplyInterval(first.HelloAck.ReportIntervalSeconds);
            _log.LogInformation("Connected to coordinator {Address} (member {Member}, session {SessionId}, report interval {IntervalSeconds} s)",
                address, first.HelloAck.Member, first.HelloAck.SessionId, _interval.Current.TotalSeconds);
            _results.NewStream();

            var watch = new ResponseWatch();
            var reader = ReadLoopAsync(call.ResponseStream, watch, stopping, session.Token);
            var silence = SilenceAsync(watch, session.Token);
            while (true)
            {
                var wake = _wakeup.WaitAsync(session.Token);
                await Task.WhenAny(wake, reader, silence);
                if (reader.IsCompleted)
                {
                    await reader; // surfaces the reason the stream ended
                    return (true, "the coordinator closed the stream");
                }

                if (silence.IsCompletedSuccessfully)
                {
                    return (true, $"nothing from the coordinator for {silence.Result.TotalSeconds:0.0} s after a report (Agent:SilentIntervals {_health.SilentIntervals} report intervals): it is frozen or cut off");
                }

                await wake;
                foreach (var result in _results.Unsent())
                {
                    var message = new AgentMessage { Sequence = ++sequence, MigrationResult = result };
                    _results.MarkSent(result, message.Sequence);
                    await call.RequestStream.WriteAsync(message, session.Token);
                    watch.Sent(_time.GetUtcNow());
                    AgentMetrics.MessagesSent.WithLabels("result").Inc();
                    if (_arrived.TryRemove(result.CommandId, out var arrived))
                    {
                        _log.LogInformation("Result {CommandId} ({Status}) sent {TurnaroundMs:0.0} ms after the command arrived",
                            result.CommandId, result.Status, _time.GetElapsedTime(arrived).TotalMilliseconds);
                    }
                }

                if (_reports.Take() is { } report)
                {
                    report.Sequence = ++sequence;
                    await call.RequestStream.WriteAsync(report, session.Token);
                    watch.Sent(_time.GetUtcNow());
                    AgentMetrics.MessagesSent.WithLabels("report").Inc();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return (acknowledged, "the agent is stopping");
        }
        catch (RpcException e)
        {
            if (!acknowledged)
            {
                AgentMetrics.Connects.WithLabels("failed").Inc();
            }

            return (acknowledged, $"{e.StatusCode}: {e.Status.Detail}");
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or InvalidOperationException)
        {
            if (!acknowledged)
            {
                AgentMetrics.Connects.WithLabels("failed").Inc();
            }

            return (acknowledged, acknowledged ? $"stream failed: {e.Message}" : $"no hello_ack within {HelloTimeout.TotalSeconds:0} s or connection failed: {e.Message}");
        }
        finally
        {
            AgentMetrics.Connected.Set(0);
            await session.CancelAsync();
        }
    }

    /// <summary>
    /// Completes with how long the stream was silent once something sent has gone unanswered for
    /// the silence limit (<see cref="StreamHealth.SilenceLimit"/> at the current report interval);
    /// checks every quarter of the limit (at least every 100 ms).
    /// </summary>
    private async Task<TimeSpan> SilenceAsync(ResponseWatch watch, CancellationToken session)
    {
        while (true)
        {
            var limit = _health.SilenceLimit(_interval.Current);
            var now = _time.GetUtcNow();
            if (watch.IsSilent(now, limit))
            {
                return watch.Waiting(now);
            }

            await Task.Delay(TimeSpan.FromTicks(Math.Max(limit.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks)), _time, session);
        }
    }

    private async Task ReadLoopAsync(IAsyncStreamReader<CoordinatorMessage> stream, ResponseWatch watch, CancellationToken stopping, CancellationToken session)
    {
        while (await stream.MoveNext(session))
        {
            watch.Received();
            var message = stream.Current;
            switch (message.PayloadCase)
            {
                case CoordinatorMessage.PayloadOneofCase.ReportAck:
                    _results.Acknowledge(message.ReportAck.Sequence);
                    break;
                case CoordinatorMessage.PayloadOneofCase.Settings:
                    if (_interval.TrySetSeconds(message.Settings.ReportIntervalSeconds))
                    {
                        _log.LogInformation("Report interval set to {IntervalSeconds} s by the coordinator", _interval.Current.TotalSeconds);
                    }

                    break;
                case CoordinatorMessage.PayloadOneofCase.Migrate:
                    OnMigrate(message.Migrate, stopping);
                    break;
                case CoordinatorMessage.PayloadOneofCase.HelloAck:
                    ApplyInterval(message.HelloAck.ReportIntervalSeconds);
                    break;
            }
        }
    }

    private void OnMigrate(MigrateCommand command, CancellationToken stopping)
    {
        if (_dispatcher is null)
        {
            _log.LogWarning("Ignoring migrate command {CommandId}: this is a host agent, only the guest agent executes migrations", command.CommandId);
            return;
        }

        var request = ProtoMapping.Request(command);
        _arrived.TryAdd(command.CommandId, _time.GetTimestamp());
        _log.LogInformation("Migrate command {CommandId} ({MigrationId}): pid {Pid} ({Comm}) from {FromNodes} to node {Node}{DryRun}",
            command.CommandId, command.MigrationId, command.Pid, command.Comm, string.Join(",", command.FromNodes), command.ToNode, command.DryRun ? " (dry-run)" : "");
        var task = _dispatcher.Submit(request, stopping, out var repeated);
        if (repeated && !task.IsCompleted)
        {
            return; // the first submission will send the result
        }

        if (repeated)
        {
            _log.LogInformation("Command {CommandId} was executed before: answering from memory", command.CommandId);
        }

        _ = task.ContinueWith(t => _results.Add(ProtoMapping.Result(t.Result, _vm)), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    private void ApplyInterval(double seconds)
    {
        if (seconds > 0)
        {
            _interval.TrySetSeconds(seconds);
        }
    }
}
