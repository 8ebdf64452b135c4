namespace GiantVm.NodeAgent.Hosting;

/// <summary>
/// <c>giantvm-agent run</c> settings as bound from configuration (section <c>Agent</c>): the
/// JSON file of <c>--config</c>, then <c>GIANTVM_Agent__Key</c> environment variables, then
/// command-line flags (which win). Checked by <see cref="AgentOptionsValidator"/>.
/// </summary>
internal sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>host or guest.</summary>
    public string? Role { get; set; }

    /// <summary>host: the virtual NUMA node this host backs.</summary>
    public int? NodeId { get; set; }

    public string Vm { get; set; } = "giantvm";

    /// <summary>Coordinator gRPC URLs, comma separated.</summary>
    public string? Coordinator { get; set; }

    public string ProcRoot { get; set; } = "/proc";

    public string SysRoot { get; set; } = "/sys";

    public string? CgroupRoot { get; set; }

    /// <summary>Report interval until the coordinator sets one (500ms, 1s, 2m).</summary>
    public string Interval { get; set; } = "1s";

    public string? BeCgroup { get; set; }

    public string? BeComm { get; set; }

    public string? BePidFile { get; set; }

    public bool NumaMaps { get; set; } = true;

    /// <summary>Re-read a BE task's numa_maps every this many samples (1 = every sample).</summary>
    public int NumaMapsEvery { get; set; } = 10;

    /// <summary>Re-read the numa_maps of a BE task that neither ran nor changed its RSS every this many samples.</summary>
    public int NumaMapsMaxAge { get; set; } = Sensing.BeTaskSelector.DefaultNumaMapsMaxAge;

    public string? LcCgroup { get; set; }

    public int? QemuPid { get; set; }

    public string? VcpuThreads { get; set; }

    /// <summary>numactl, cpuset, dry-run or emulated.</summary>
    public string Executor { get; set; } = "numactl";

    /// <summary>With the emulated executor: the root folder of <c>giantvm-sim emulate</c>.</summary>
    public string? EmulatorRoot { get; set; }

    /// <summary>Deadline of a migrate command that carries none.</summary>
    public string CommandTimeout { get; set; } = "60s";

    /// <summary>Serve Prometheus metrics on 127.0.0.1:port (absent: no metrics endpoint).</summary>
    public int? MetricsPort { get; set; }

    public string MetricsHost { get; set; } = "127.0.0.1";

    /// <summary>Verbose, Debug, Information, Warning, Error.</summary>
    public string LogLevel { get; set; } = "Information";

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="ReconnectMax"/>.</summary>
    public string ReconnectInitial { get; set; } = "500ms";

    public string ReconnectMax { get; set; } = "30s";

    /// <summary>HTTP/2 keepalive: a ping after this long without a frame from the coordinator.</summary>
    public string KeepAlivePingDelay { get; set; } = "5s";

    /// <summary>A coordinator that does not answer a ping within this long is given up (next address).</summary>
    public string KeepAlivePingTimeout { get; set; } = "5s";

    /// <summary>
    /// A stream on which nothing arrives for this many report intervals after the agent sent a
    /// report or result is given up for the next coordinator (the coordinator acks every report).
    /// </summary>
    public int SilentIntervals { get; set; } = 5;

    /// <summary>Mutual TLS to the coordinator (Agent:Tls:Cert, Key, Ca): all three or none.</summary>
    public AgentTlsOptions Tls { get; set; } = new();
}

/// <summary>This agent's certificate and key (PEM) and the deployment's CA.</summary>
public sealed class AgentTlsOptions
{
    public string? Cert { get; set; }

    public string? Key { get; set; }

    public string? Ca { get; set; }
}
