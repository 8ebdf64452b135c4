namespace GiantVm.Simulator.Simulation;

/// <summary>The cluster model's parameters (the <c>giantvm-sim run</c> options).</summary>
public sealed record SimulationOptions
{
    /// <summary>Simulated machines: the first N machine ids (ascending) with an ADD event.</summary>
    public int Machines { get; init; } = 800;

    /// <summary>Machines per GiantVM instance (consecutive in id order; the last may be smaller).</summary>
    public int GroupSize { get; init; } = 4;

    /// <summary>Scheduling classes that are LC (stay on their machine); the others are BE.</summary>
    public IReadOnlySet<int> LcClasses { get; init; } = new HashSet<int> { 2, 3 };

    /// <summary>wV, the CFS weight of a node's vCPU threads against LC (wL = 1).</summary>
    public double VmWeight { get; init; } = 1.0;

    /// <summary>Every BE task's CPU usage is multiplied by this (a contention knob; memory is unchanged).</summary>
    public double BeScale { get; init; } = 1.0;

    /// <summary>V = C x this: the node's vCPU capacity.</summary>
    public double VcpuRatio { get; init; } = 1.0;

    /// <summary>First simulated trace second (the step containing it); null: the first usage row.</summary>
    public long? StartSeconds { get; init; }

    /// <summary>End of the run in trace seconds (exclusive); null: the last usage row.</summary>
    public long? EndSeconds { get; init; }

    /// <summary>Bytes per 1.0 of normalized memory (bytesMoved, snapshot memory).</summary>
    public long MemoryUnitBytes { get; init; } = 64L << 30;

    /// <summary>
    /// Bytes per second a moved task's memory crosses at; the task makes no progress meanwhile
    /// (<see cref="MigrationCost"/>). 0: moves are free.
    /// </summary>
    public double MigrateBandwidth { get; init; } = MigrationCost.DefaultBytesPerSecond;

    /// <summary>A BE task with no usage for this many steps is forgotten (its placement too).</summary>
    public int ForgetAfterSteps { get; init; } = 12;

    /// <summary>
    /// A step is closed once a row starting this many steps after its end is read (rows are only
    /// roughly in time order); rows for a closed step count as late.
    /// </summary>
    public int LateToleranceSteps { get; init; } = 2;
}
