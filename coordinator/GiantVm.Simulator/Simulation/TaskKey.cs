namespace GiantVm.Simulator.Simulation;

/// <summary>A task of the trace: (job ID, task index).</summary>
internal readonly record struct TaskKey(long Job, int Index)
{
    /// <summary>A stable number for the task in snapshots (the StartTime beside its pid).</summary>
    public ulong Stable => ((ulong)Job * 1_000_000UL) + (ulong)Index;

    public override string ToString() => $"{Job}/{Index}";
}

internal sealed class TaskKeyComparer : IEqualityComparer<TaskKey>
{
    public static TaskKeyComparer Instance { get; } = new();

    public bool Equals(TaskKey x, TaskKey y) => x.Job == y.Job && x.Index == y.Index;

    public int GetHashCode(TaskKey k)
    {
        ulong h = ((ulong)k.Job * 0x9E3779B97F4A7C15UL) ^ (uint)k.Index;
        return (int)(h ^ (h >> 32));
    }
}
