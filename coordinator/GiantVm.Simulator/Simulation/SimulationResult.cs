namespace GiantVm.Simulator.Simulation;

/// <summary>Everything a run produced (summary.json is its serialized form, plus the series for plots).</summary>
public sealed record SimulationResult(
    IReadOnlyList<PolicySummary> Policies,
    long Steps,
    int Machines,
    long RowsRead,
    AnomalyCounts Anomalies,
    long? FirstStepSeconds,
    IReadOnlyList<PolicySeries> Series);
