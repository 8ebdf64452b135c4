namespace GiantVm.Simulator.Simulation;

/// <summary>A policy's per-step figures, for the plots.</summary>
public sealed class PolicySeries(string name)
{
    public string Name { get; } = name;

    public List<double> TimeSeconds { get; } = [];

    public List<double> Utilization { get; } = [];

    public List<double> Gini { get; } = [];

    public List<double> MeanSteal { get; } = [];

    public List<int> LcViolations { get; } = [];

    public List<int> Migrations { get; } = [];

    public void Add(StepRecord r)
    {
        TimeSeconds.Add(r.TimeSeconds);
        Utilization.Add(r.Utilization);
        Gini.Add(r.Gini);
        MeanSteal.Add(r.MeanSteal);
        LcViolations.Add(r.LcViolations);
        Migrations.Add(r.Migrations);
    }
}
