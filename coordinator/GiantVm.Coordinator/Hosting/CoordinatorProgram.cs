using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GiantVm.Coordinator.Hosting;

/// <summary>Runs the coordinator until stopped; turns user errors into one line and an exit code.</summary>
public static class CoordinatorProgram
{
    public static async Task<int> RunAsync(CoordinatorLaunch launch, TextWriter stderr, CancellationToken token)
    {
        WebApplication app;
        try
        {
            app = CoordinatorApp.Build(launch);
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"giantvm-coordinator: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (PolicyRejectedException e)
        {
            await stderr.WriteLineAsync($"giantvm-coordinator: the policy has {e.Errors.Count} error(s):");
            foreach (var error in e.Errors)
            {
                await stderr.WriteLineAsync(error);
            }

            return ExitCodes.Usage;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(token);
            }
            catch (Exception e) when (e is IOException or SocketException && !launch.Verbose)
            {
                await stderr.WriteLineAsync($"giantvm-coordinator: cannot listen: {e.Message} (is another coordinator running? change --urls / --metrics-url)");
                return ExitCodes.Failed;
            }

            await app.WaitForShutdownAsync(token);
            if (app.Services.GetRequiredService<MemberExit>().Failure is { } failure)
            {
                await stderr.WriteLineAsync($"giantvm-coordinator: exiting with code 1: {failure}");
                return 1;
            }
        }

        return ExitCodes.Ok;
    }
}
