namespace GiantVm.Simulator.Simulation;

/// <summary>The task_usage columns the model uses (times in microseconds).</summary>
public readonly record struct UsageRow(
    long StartMicros,
    long EndMicros,
    long Job,
    int TaskIndex,
    long? MachineId,
    double Cpu,
    double Memory);
