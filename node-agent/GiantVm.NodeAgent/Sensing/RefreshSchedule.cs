namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// When a task's cached file (numa_maps, the stat of an idle task) is due for a re-read.
/// <see cref="IsDue(long, long, int, int)"/>:
/// at least <c>every</c> samples after the last read, and only at the pid's slot (samples where
/// (sample + pid) mod every is 0), so tasks first seen together are re-read on different samples and
/// each sample re-reads about 1/every of them. In steady state a task is re-read exactly every
/// <c>every</c> samples; after a read off its slot (first sight, invalidation) the next one comes
/// within 2 x every - 1 samples.
/// </summary>
internal static class RefreshSchedule
{
    public static bool IsDue(long sample, long lastRead, int pid, int every) =>
        every <= 1 || (sample - lastRead >= every && (sample + (uint)pid) % every == 0);

    /// <summary>
    /// The agent's numa_maps rule: a task that ran or whose resident size changed since its last read
    /// (<paramref name="changed"/>) is re-read on the <paramref name="every"/> schedule; one that did
    /// neither only on the <paramref name="maxAge"/> schedule. A process that got no CPU time and kept
    /// its RSS faulted no page in and freed none, and NUMA balancing moves only the pages of tasks
    /// that run, so its placement changes only when another process moves its pages (migratepages,
    /// numad): the agent's own moves invalidate the cache, anyone else's show within the max age.
    /// </summary>
    public static bool IsDue(long sample, long lastRead, int pid, int every, int maxAge, bool changed) =>
        (changed && IsDue(sample, lastRead, pid, every)) || IsDue(sample, lastRead, pid, maxAge);
}
