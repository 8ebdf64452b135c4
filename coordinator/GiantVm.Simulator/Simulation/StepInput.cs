namespace GiantVm.Simulator.Simulation;

/// <summary>What every policy shares about one closed step (read-only while the policies run).</summary>
internal sealed class StepInput
{
    public long Step { get; set; }

    /// <summary>The slot of the step (entries by task id); null when no row touched the step.</summary>
    public StepSlot? Slot { get; set; }

    /// <summary>Ids of the BE tasks with usage in the step, in first-seen order.</summary>
    public int[] BeTasks { get; set; } = new int[256];

    public int BeCount { get; set; }

    /// <summary>Per machine: LC CPU demand (L).</summary>
    public double[] LcDemand { get; set; } = [];

    /// <summary>Per machine: memory of its LC tasks.</summary>
    public double[] LcMemory { get; set; } = [];
}
