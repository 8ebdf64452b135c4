using GiantVm.Common;
using GiantVm.NodeAgent.Probe;
using GiantVm.Security;
using GiantVm.NodeAgent.Reporting;
using Serilog.Events;

namespace GiantVm.NodeAgent.Hosting;

/// <summary>
/// Turns bound <see cref="AgentOptions"/> into <see cref="AgentRunSettings"/>, or throws an
/// <see cref="AgentConfigException"/> naming the first problem (flag and configuration key).
/// Pure: file-system checks happen when the samplers are built.
/// </summary>
internal static class AgentOptionsValidator
{
    public static readonly string[] Executors = ["numactl", "cpuset", "dry-run", "emulated"];

    public static AgentRunSettings Validate(AgentOptions o)
    {
        var role = o.Role?.Trim().ToLowerInvariant();
        if (role is not ("host" or "guest"))
        {
            throw new AgentConfigException(role is null or ""
                ? "--role (Agent:Role) is required: host or guest"
                : $"--role '{o.Role}' (Agent:Role): expected host or guest");
        }

        if (role == "host" && o.NodeId is null)
        {
            throw new AgentConfigException("--node-id (Agent:NodeId) is required with --role host: the virtual NUMA node this host backs");
        }

        if (o.NodeId is < 0)
        {
            throw new AgentConfigException($"--node-id {o.NodeId} (Agent:NodeId): must be 0 or more");
        }

        if (string.IsNullOrWhiteSpace(o.Vm))
        {
            throw new AgentConfigException("--vm (Agent:Vm) must not be empty");
        }

        var coordinators = Coordinators(o.Coordinator);
        var tls = Tls(o.Tls, coordinators, role == "guest" ? PeerIdentity.Guest(o.Vm.Trim()) : PeerIdentity.Host(o.Vm.Trim(), o.NodeId ?? 0));
        var interval = Duration(o.Interval, "--interval", "Interval");
        var executor = o.Executor.Trim().ToLowerInvariant();
        if (!Executors.Contains(executor))
        {
            throw new AgentConfigException($"--executor '{o.Executor}' (Agent:Executor): expected one of {string.Join(", ", Executors)}");
        }

        if (executor == "cpuset" && role == "guest" && string.IsNullOrWhiteSpace(o.BeCgroup))
        {
            throw new AgentConfigException("--executor cpuset needs --be-cgroup (Agent:BeCgroup): the per-node leaf cgroups live under it");
        }

        if (executor == "emulated" && role == "guest" && string.IsNullOrWhiteSpace(o.EmulatorRoot))
        {
            throw new AgentConfigException("--executor emulated needs --emulator-root (Agent:EmulatorRoot): the folder giantvm-sim emulate writes");
        }

        if (o.NumaMapsEvery < 1)
        {
            throw new AgentConfigException($"--numa-maps-every {o.NumaMapsEvery} (Agent:NumaMapsEvery): expected 1 or more");
        }

        if (o.NumaMapsMaxAge < 1)
        {
            throw new AgentConfigException($"--numa-maps-max-age {o.NumaMapsMaxAge} (Agent:NumaMapsMaxAge): expected 1 or more");
        }

        if (o.MetricsPort is { } port && port is < 1 or > 65535)
        {
            throw new AgentConfigException($"--metrics-port {port} (Agent:MetricsPort): expected 1-65535");
        }

        if (!Enum.TryParse<LogEventLevel>(o.LogLevel, ignoreCase: true, out var level) || !Enum.IsDefined(level))
        {
            throw new AgentConfigException($"--log-level '{o.LogLevel}' (Agent:LogLevel): expected Verbose, Debug, Information, Warning or Error");
        }

        var backoff = new Backoff(
            Duration(o.ReconnectInitial, "Agent:ReconnectInitial", "ReconnectInitial"),
            Duration(o.ReconnectMax, "Agent:ReconnectMax", "ReconnectMax"));
        if (o.SilentIntervals < 1)
        {
            throw new AgentConfigException($"Agent:SilentIntervals {o.SilentIntervals}: expected 1 or more report intervals");
        }

        var health = new StreamHealth(
            AtLeastOneSecond(Duration(o.KeepAlivePingDelay, "Agent:KeepAlivePingDelay", "KeepAlivePingDelay"), "KeepAlivePingDelay"),
            AtLeastOneSecond(Duration(o.KeepAlivePingTimeout, "Agent:KeepAlivePingTimeout", "KeepAlivePingTimeout"), "KeepAlivePingTimeout"),
            o.SilentIntervals);
        var sensing = new ProbeSettings(role, o.NodeId ?? 0, o.ProcRoot, o.SysRoot, o.CgroupRoot, interval, Json: false,
            o.BeCgroup, o.BeComm, o.BePidFile, o.NumaMaps, o.LcCgroup, o.QemuPid, o.VcpuThreads, Verbose: false, NumaMapsEvery: o.NumaMapsEvery, NumaMapsMaxAge: o.NumaMapsMaxAge);
        return new AgentRunSettings(role, o.NodeId ?? 0, o.Vm.Trim(), coordinators, interval, executor,
            Duration(o.CommandTimeout, "--command-timeout", "CommandTimeout"), o.MetricsPort, o.MetricsHost, level, backoff, sensing, o.EmulatorRoot, tls, health);
    }

    /// <summary>
    /// The TLS files, loaded; null without them. https:// coordinators need them, http:// ones must
    /// not have them; the certificate must be <paramref name="expected"/> (or any agent identity of
    /// the vm when null, for launch).
    /// </summary>
    public static TlsMaterial? Tls(AgentTlsOptions o, IReadOnlyList<Uri> coordinators, PeerIdentity? expected)
    {
        var given = new[] { o.Cert, o.Key, o.Ca }.Count(v => !string.IsNullOrWhiteSpace(v));
        var https = coordinators.Any(c => c.Scheme == "https");
        if (given == 0)
        {
            return https
                ? throw new AgentConfigException("--coordinator uses https:// but --tls-cert, --tls-key and --tls-ca (Agent:Tls:Cert, Key, Ca) are not set")
                : null;
        }

        if (given < 3)
        {
            throw new AgentConfigException("--tls-cert, --tls-key and --tls-ca (Agent:Tls:Cert, Key, Ca) go together");
        }

        if (coordinators.FirstOrDefault(c => c.Scheme != "https") is { } plain)
        {
            throw new AgentConfigException($"--coordinator '{plain}' is http:// while TLS files are set; use https://");
        }

        TlsMaterial tls;
        try
        {
            tls = new TlsMaterial(o.Cert!, o.Key!, o.Ca!);
        }
        catch (TlsConfigException e)
        {
            throw new AgentConfigException("--tls-cert/--tls-key/--tls-ca: " + e.Message);
        }

        if (expected is not null && tls.Identity != expected)
        {
            throw new AgentConfigException($"--tls-cert {o.Cert} is {tls.Identity}, but this agent runs as {expected}");
        }

        if (expected is null && !tls.Identity.IsAgent)
        {
            throw new AgentConfigException($"--tls-cert {o.Cert} is {tls.Identity}, not an agent identity of a vm");
        }

        return tls;
    }

    public static IReadOnlyList<Uri> Coordinators(string? list)
    {
        var parts = (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new AgentConfigException("--coordinator (Agent:Coordinator) is required: one or more gRPC URLs such as http://127.0.0.1:5000, comma separated");
        }

        var uris = new List<Uri>();
        foreach (var p in parts)
        {
            if (!Uri.TryCreate(p, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            {
                throw new AgentConfigException($"--coordinator '{p}' (Agent:Coordinator): not an http:// or https:// URL");
            }

            uris.Add(uri);
        }

        return uris;
    }

    /// <summary>Pings more often than once a second would flood the coordinator (and HttpClient refuses them).</summary>
    private static TimeSpan AtLeastOneSecond(TimeSpan value, string key) => value >= TimeSpan.FromSeconds(1)
        ? value
        : throw new AgentConfigException($"Agent:{key} {DurationText.Format(value)}: expected 1s or more");

    private static TimeSpan Duration(string text, string flag, string key) =>
        TryAgentDuration(text, out var d)
            ? d
            : throw new AgentConfigException($"{flag} '{text}' (Agent:{key}): {AgentDurationExpected}");

    /// <summary>What the agent's durations (intervals, timeouts, backoff bounds) must be.</summary>
    internal const string AgentDurationExpected = "expected a positive duration up to 1h such as 500ms, 1s, 2m";

    /// <summary>A duration in the shared grammar (<see cref="DurationText"/>), above zero and at most an hour.</summary>
    internal static bool TryAgentDuration(string text, out TimeSpan value) =>
        DurationText.TryParse(text, out value) && value > TimeSpan.Zero && value <= TimeSpan.FromHours(1);
}
