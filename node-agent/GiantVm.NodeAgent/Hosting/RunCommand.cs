using System.Net;
using GiantVm.Linux;
using GiantVm.NodeAgent.Probe;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace GiantVm.NodeAgent.Hosting;

/// <summary>
/// <c>giantvm-agent run</c>: builds the configuration (file, environment, flags), validates it,
/// and runs the agent's host until SIGTERM/SIGINT. Exit codes: 0 clean stop, 2 configuration
/// error (one line on stderr), 1 unexpected failure.
/// </summary>
internal static class RunCommand
{
    /// <summary>Environment variables with this prefix are configuration keys: GIANTVM_Agent__Coordinator.</summary>
    public const string EnvironmentPrefix = "GIANTVM_";

    public static async Task<int> RunAsync(string? configFile, IReadOnlyDictionary<string, string?> overrides, bool verbose, TextWriter stderr, TimeProvider time, CancellationToken ct)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
            AddConfiguration(builder.Configuration, configFile, overrides);
            var options = Bind(builder.Configuration);
            var settings = AgentOptionsValidator.Validate(options);
            builder.AddGiantVmAgent(settings, time);
            using var host = builder.Build();
            await host.RunAsync(ct);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is AgentConfigException or ProbeInputException or ProcParseException)
        {
            await stderr.WriteLineAsync("giantvm-agent run: " + e.Message);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"giantvm-agent run: {e.GetType().Name}: {e.Message}");
            if (verbose)
            {
                await stderr.WriteLineAsync(e.ToString());
            }

            return ExitCodes.Failed;
        }
    }

    /// <summary>The --config JSON file, then GIANTVM_ environment variables, then the flags given (later wins).</summary>
    public static void AddConfiguration(IConfigurationBuilder configuration, string? configFile, IReadOnlyDictionary<string, string?> overrides)
    {
        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new AgentConfigException($"--config {configFile}: no such file");
            }

            try
            {
                configuration.AddJsonFile(full, optional: false, reloadOnChange: false);
            }
            catch (InvalidDataException e)
            {
                throw new AgentConfigException($"--config {configFile}: not valid JSON ({e.InnerException?.Message ?? e.Message})");
            }
        }

        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddInMemoryCollection(overrides);
    }

    public static AgentOptions Bind(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(AgentOptions.Section).Get<AgentOptions>() ?? new AgentOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new AgentConfigException($"configuration section {AgentOptions.Section}: {e.InnerException?.Message ?? e.Message}");
        }
    }
}
