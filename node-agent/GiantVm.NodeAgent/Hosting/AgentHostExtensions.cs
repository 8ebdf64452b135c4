using System.Globalization;
using System.Text.RegularExpressions;
using GiantVm.Contracts.V1;
using GiantVm.Linux;
using GiantVm.NodeAgent.Execution;
using GiantVm.NodeAgent.Probe;
using GiantVm.NodeAgent.Reporting;
using GiantVm.NodeAgent.Sensing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using GiantVm.Shared;
using Sensing = GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Hosting;

/// <summary>
/// Wires <c>giantvm-agent run</c>: Serilog, the sampler for the role, the report slot and result
/// outbox, the executor and dispatcher (guest), the coordinator stream and the metrics endpoint.
/// Sampler and executor set-up errors surface here, before the host starts, as
/// <see cref="ProbeInputException"/> or <see cref="AgentConfigException"/>.
/// </summary>
internal static class AgentHostExtensions
{
    public static IHostApplicationBuilder AddGiantVmAgent(this IHostApplicationBuilder builder, AgentRunSettings s, TimeProvider time)
    {
        var services = builder.Services;
        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(s.LogLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.WithProperty("Role", s.Role)
            .WriteTo.GiantVmConsole(Environment.GetEnvironmentVariable)
            .CreateLogger();
        services.AddSerilog(logger, dispose: true);
        services.AddGiantVmSystemd(Environment.GetEnvironmentVariable);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services.AddSingleton(time);
        services.AddSingleton(s);

        var wakeup = new Wakeup();
        services.AddSingleton(wakeup);
        services.AddSingleton(new LatestReport(wakeup));
        services.AddSingleton(new ResultOutbox(wakeup));
        services.AddSingleton(new ReportInterval(s.Interval));

        Func<Hello> hello;
        if (s.Role == "guest")
        {
            if (s.Sensing.BePidFile is { } pidFile && PidFileTrust.Check(pidFile) is { } distrust)
            {
                throw new AgentConfigException(distrust);
            }

            var sampler = SamplerFactory.Guest(s.Sensing, time);
            var sys = new SysFs(s.Sensing.SysRoot);
            var executorName = s.Executor;
            hello = () => ProtoMapping.Hello(AgentRole.Guest, 0, s.Vm, executorName, sys.ReadNumaTopology());
            services.AddSingleton<IReportSource>(sp =>
            {
                var log = sp.GetRequiredService<ILogger<SamplingService>>();
                return new ReportSource<GuestSample, Sensing.GuestReport>(sampler, (report, now) => Message(ProtoMapping.Guest(report, s.Vm, now), r => new AgentMessage { GuestReport = r }, log), time, log);
            });
            var (executor, dryRunFactory) = Executors(s, time);
            services.AddSingleton(sp =>
            {
                var log = sp.GetRequiredService<ILogger<MigrationDispatcher>>();
                return new MigrationDispatcher(executor(log), dryRunFactory(log), time, log, s.CommandTimeout, afterMove: sampler.Invalidate);
            });
        }
        else
        {
            var sampler = SamplerFactory.Host(s.Sensing, time);
            hello = () => ProtoMapping.Hello(AgentRole.Host, s.NodeId, s.Vm, "", null);
            services.AddSingleton<IReportSource>(sp =>
            {
                var log = sp.GetRequiredService<ILogger<SamplingService>>();
                return new ReportSource<HostSample, Sensing.HostReport>(sampler, (report, now) => Message(ProtoMapping.Host(report, s.Vm, now), r => new AgentMessage { HostReport = r }, log), time, log);
            });
        }

        services.AddHostedService<SamplingService>();
        services.AddHostedService(sp => new CoordinatorConnection(
            s.Coordinators,
            s.Vm,
            hello,
            sp.GetRequiredService<LatestReport>(),
            sp.GetRequiredService<ResultOutbox>(),
            sp.GetRequiredService<Wakeup>(),
            s.Role == "guest" ? sp.GetRequiredService<MigrationDispatcher>() : null,
            sp.GetRequiredService<ReportInterval>(),
            s.Reconnect,
            time,
            sp.GetRequiredService<ILogger<CoordinatorConnection>>(),
            s.Tls,
            s.Health));
        if (s.MetricsPort is { } port)
        {
            services.AddHostedService(_ => new MetricsServerService(s.MetricsHost, port));
        }

        return builder;
    }

    private static AgentMessage? Message<T>((T? Report, string? Skipped) mapped, Func<T, AgentMessage> wrap, Microsoft.Extensions.Logging.ILogger log)
        where T : class
    {
        if (mapped.Report is null)
        {
            log.LogWarning("Report skipped: {Reason}", mapped.Skipped);
            return null;
        }

        return wrap(mapped.Report);
    }

    /// <summary>The backend chosen by --executor and the dry-run executor, both over the agent's own BE selection.</summary>
    private static (Func<Microsoft.Extensions.Logging.ILogger, IMigrationExecutor> Executor, Func<Microsoft.Extensions.Logging.ILogger, IMigrationExecutor> DryRun) Executors(AgentRunSettings s, TimeProvider time)
    {
        var p = s.Sensing;
        var cgroups = new CgroupFs(CgroupLayout.Detect(p.SysRoot, p.CgroupRoot));
        var comm = p.BeComm is null ? null : new Regex(p.BeComm, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var selection = new BeSelection(p.BeCgroup, comm, p.BePidFile);
        var inspector = new ProcTaskInspector(new ProcFs(p.ProcRoot), new SysFs(p.SysRoot), new BeClassifier(selection, p.BeCgroup is null ? null : cgroups));
        var self = Environment.ProcessId;
        var beDirectory = s.Executor != "cpuset" ? null
            : cgroups.V2Directory(p.BeCgroup!) ?? throw new AgentConfigException($"--executor cpuset: no cgroup2 root under {p.SysRoot}/fs/cgroup; give --cgroup-root");
        Func<Microsoft.Extensions.Logging.ILogger, IMigrationExecutor> dryRun = log => new DryRunExecutor(inspector, time, self, log);
        return s.Executor switch
        {
            "numactl" => (_ => new NumactlExecutor(inspector, new SchedAffinitySetter(), new MigratePagesProcess(), time, self), dryRun),
            "cpuset" => (_ => new CpusetExecutor(inspector, beDirectory!, time, self, confineToBeCgroup: p.BeComm is not null), dryRun),
            "emulated" => (_ => new EmulatedExecutor(inspector, s.EmulatorRoot!, time, self), dryRun),
            _ => (dryRun, dryRun),
        };
    }
}
