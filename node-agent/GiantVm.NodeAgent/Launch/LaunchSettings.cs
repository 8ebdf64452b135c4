namespace GiantVm.NodeAgent.Launch;

/// <summary>What <c>giantvm-agent launch</c> was asked to start, and where to ask for a node.</summary>
/// <param name="CpuCores">the task's expected CPU use (0 = unknown), passed to the advice.</param>
/// <param name="MemoryBytes">the task's expected memory (0 = unknown).</param>
internal sealed record LaunchSettings(
    IReadOnlyList<Uri> Coordinators,
    string Vm,
    double CpuCores,
    ulong MemoryBytes,
    string? BeCgroup,
    string? BePidFile,
    string SysRoot,
    string? CgroupRoot,
    TimeSpan AdviceTimeout,
    IReadOnlyList<string> Command,
    GiantVm.Security.TlsMaterial? Tls = null);
