namespace GiantVm.Simulator.Simulation;

/// <summary>One policy's figures over the whole run (the entries of summary.json's "policies").</summary>
/// <param name="StealCpuSeconds">Guest CPU demand not served, summed over nodes and steps (G - servedG) x 300 s.</param>
/// <param name="BeCpuSecondsLostToMigration">BE CPU-seconds moved tasks could not run while their memory crossed (--migrate-bandwidth).</param>
/// <param name="AvoidableLcLossRemoved">(lost(none) - lost(this)) / (lost(none) - lost(oracle)); null without both rows or when nothing is avoidable.</param>
/// <param name="AvoidableStealRemoved">The same over <see cref="StealCpuSeconds"/>.</param>
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
    double MemoryMoved,
    double StealCpuSeconds = 0,
    double BeCpuSecondsLostToMigration = 0,
    double? AvoidableLcLossRemoved = null,
    double? AvoidableStealRemoved = null);
