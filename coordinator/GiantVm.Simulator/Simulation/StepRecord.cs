namespace GiantVm.Simulator.Simulation;

/// <summary>One row of per_step.csv: one policy over one step.</summary>
public sealed record StepRecord(
    long TimeSeconds,
    string Policy,
    double Utilization,
    double Gini,
    int LcViolations,
    double MeanSteal,
    int Migrations);
