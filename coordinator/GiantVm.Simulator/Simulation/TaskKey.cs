namespace GiantVm.Simulator.Simulation;

/// <summary>A task of the trace: (job ID, task index).</summary>
internal readonly record struct TaskKey(long Job, int Index)
{
    /// <summary>A stable number for the task in snapshots (the StartTime beside its pid).</summary>
    public ulong Stable => ((ulong)Job * 1_000_000UL) + (ulong)Index;

    public override string ToString() => $"{Job}/{Index}";

    /// <summary>Equality and hash as plain struct members, so a dictionary keyed by tasks needs no comparer (and inlines them).</summary>
    public bool Equals(TaskKey other) => Job == other.Job && Index == other.Index;

    public override int GetHashCode()
    {
        ulong h = ((ulong)Job * 0x9E3779B97F4A7C15UL) ^ (uint)Index;
        return (int)(h ^ (h >> 32));
    }
}
