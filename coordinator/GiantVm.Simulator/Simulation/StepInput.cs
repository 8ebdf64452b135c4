using GiantVm.Scheduling.Model;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// What every policy shares about one closed step, copied out of the step's slot and the task
/// table so that the policies can run while the rows of the next steps are read (read-only
/// while the policies run).
/// </summary>
internal sealed class StepInput
{
    public long Step { get; set; }

    /// <summary>By task id, for the BE tasks of the step: its machine, CPU and memory in the step.</summary>
    public StepSlot.Entry[] Entries { get; set; } = [];

    /// <summary>By task id, for the BE tasks of the step: the task.</summary>
    public TaskKey[] Keys { get; set; } = [];

    /// <summary>Every task id is below this (the policies size their per-task arrays with it).</summary>
    public int Capacity { get; set; }

    /// <summary>Task ids forgotten after this step (no usage for a while): the policies drop their placement after the step.</summary>
    public List<int> Forgotten { get; } = [];

    /// <summary>Ids of the BE tasks with usage in the step, in first-seen order.</summary>
    public int[] BeTasks { get; set; } = new int[256];

    public int BeCount { get; set; }

    /// <summary>The entries of <see cref="BeTasks"/>, in the same order (read front to back, where <see cref="Entries"/> is read by id, all over).</summary>
    public StepSlot.Entry[] BeEntries { get; set; } = new StepSlot.Entry[256];

    /// <summary>Per machine: LC CPU demand (L).</summary>
    public double[] LcDemand { get; set; } = [];

    /// <summary>Per machine: memory of its LC tasks.</summary>
    public double[] LcMemory { get; set; } = [];

    /// <summary>The step's snapshots with the trace placement, shared by the policies (null when no policy needs snapshots).</summary>
    public StepSnapshots? Snapshots { get; set; }

    /// <summary>What a policy's snapshot says of a BE task of the step on <paramref name="node"/> (local index).</summary>
    public static TaskSnapshot TaskSnapshotOf(int id, int node, in StepSlot.Entry e, TaskKey key, double memoryUnitBytes, bool withComm) =>
        new(id, node)
        {
            StartTime = key.Stable,
            Comm = withComm ? key.ToString() : null,
            RssBytes = (long)Math.Round(e.Memory * memoryUnitBytes),
            CpuCores = e.Cpu,
        };
}
