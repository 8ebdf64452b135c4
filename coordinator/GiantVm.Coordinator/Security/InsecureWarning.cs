using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Security;

/// <summary>With --insecure off loopback, says every minute that nothing is authenticated.</summary>
public sealed class InsecureWarning(TimeProvider time, ILogger<InsecureWarning> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("--insecure: listening off loopback in plaintext; any client can act as an agent or an operator (docs/security.md)");
                await Task.Delay(Every, time, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
