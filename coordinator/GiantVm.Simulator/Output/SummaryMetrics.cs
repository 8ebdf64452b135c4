using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Output;

/// <summary>The per-policy metrics of summary.json, by name and in its order (sweep.csv's columns).</summary>
internal static class SummaryMetrics
{
    public static readonly IReadOnlyList<(string Name, Func<PolicySummary, double?> Value)> All =
    [
        ("meanUtilization", p => p.MeanUtilization),
        ("meanGini", p => p.MeanGini),
        ("lcViolations", p => p.LcViolations),
        ("lcCpuSecondsLost", p => p.LcCpuSecondsLost),
        ("beCpuSecondsServed", p => p.BeCpuSecondsServed),
        ("meanSteal", p => p.MeanSteal),
        ("p95Steal", p => p.P95Steal),
        ("migrations", p => p.Migrations),
        ("bytesMoved", p => p.BytesMoved),
        ("memoryMoved", p => p.MemoryMoved),
        ("stealCpuSeconds", p => p.StealCpuSeconds),
        ("beCpuSecondsLostToMigration", p => p.BeCpuSecondsLostToMigration),
        ("avoidableLcLossRemoved", p => p.AvoidableLcLossRemoved),
        ("avoidableStealRemoved", p => p.AvoidableStealRemoved),
    ];
}
