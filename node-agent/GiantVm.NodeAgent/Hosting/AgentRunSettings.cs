using GiantVm.NodeAgent.Probe;
using GiantVm.NodeAgent.Reporting;
using Serilog.Events;

namespace GiantVm.NodeAgent.Hosting;

/// <summary>Validated <see cref="AgentOptions"/>: what <c>giantvm-agent run</c> runs with.</summary>
internal sealed record AgentRunSettings(
    string Role,
    int NodeId,
    string Vm,
    IReadOnlyList<Uri> Coordinators,
    TimeSpan Interval,
    string Executor,
    TimeSpan CommandTimeout,
    int? MetricsPort,
    string MetricsHost,
    LogEventLevel LogLevel,
    Backoff Reconnect,
    ProbeSettings Sensing,
    string? EmulatorRoot = null,
    GiantVm.Security.TlsMaterial? Tls = null,
    StreamHealth? Health = null);
