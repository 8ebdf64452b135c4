namespace GiantVm.NodeAgent.Probe;

/// <summary>Everything <c>giantvm-agent probe</c> was asked to do, as parsed from the command line.</summary>
internal sealed record ProbeSettings(
    string Role,
    int NodeId,
    string ProcRoot,
    string SysRoot,
    string? CgroupRoot,
    TimeSpan Interval,
    bool Json,
    string? BeCgroup,
    string? BeComm,
    string? BePidFile,
    bool NumaMaps,
    string? LcCgroup,
    int? QemuPid,
    string? VcpuThreads,
    bool Verbose,
    int NumaMapsEvery = 10,
    int NumaMapsMaxAge = Sensing.BeTaskSelector.DefaultNumaMapsMaxAge);
