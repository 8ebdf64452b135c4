namespace GiantVm.Simulator.Simulation;

/// <summary>One policy's figures over the whole run (the entries of summary.json's "policies").</summary>
public sealed record PolicySummary(
    string Name,
    double MeanUtilization,
    double MeanGini,
    long LcViolations,
    double LcCpuSecondsLost,
    double BeCpuSecondsServed,
    double MeanSteal,
    double P95Steal,
    long Migrations,
    long BytesMoved,
    double MemoryMoved);
