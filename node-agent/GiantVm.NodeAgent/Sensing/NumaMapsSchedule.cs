namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// When a task's cached numa_maps is due for a re-read: at least <c>every</c> samples after the last
/// read, and only at the pid's slot (samples where (sample + pid) mod every is 0), so tasks first seen
/// together are re-read on different samples and each sample re-reads about 1/every of them.
/// In steady state a task is re-read exactly every <c>every</c> samples; after a read off its slot
/// (first sight, invalidation) the next one comes within 2 x every - 1 samples.
/// </summary>
internal static class NumaMapsSchedule
{
    public static bool IsDue(long sample, long lastRead, int pid, int every) =>
        every <= 1 || (sample - lastRead >= every && (sample + (uint)pid) % every == 0);
}
