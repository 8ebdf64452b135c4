using Microsoft.Extensions.Hosting;
using Prometheus;

namespace GiantVm.NodeAgent.Hosting;

/// <summary>Serves /metrics (Prometheus text format) on host:port while the agent runs.</summary>
internal sealed class MetricsServerService(string host, int port) : IHostedService
{
    private MetricServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _server = new MetricServer(host, port);
        try
        {
            _server.Start();
        }
        catch (Exception e)
        {
            throw new AgentConfigException($"--metrics-port {port} (Agent:MetricsPort): cannot listen on {host}:{port} ({e.Message})");
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }
}
