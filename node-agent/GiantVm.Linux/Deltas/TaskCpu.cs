namespace GiantVm.Linux.Deltas;

/// <summary>CPU used by one task over an interval, in cores.</summary>
public static class TaskCpu
{
    /// <summary>
    /// d(utime+stime)/USER_HZ/elapsed. The same process instance (pid + starttime) is required in
    /// both samples; a counter going backwards counts as 0.
    /// </summary>
    public static double Cores(PidStat before, PidStat after, double elapsedSeconds, int userHz)
    {
        if (before.Pid != after.Pid || before.StartTime != after.StartTime)
        {
            throw new ArgumentException($"pid {before.Pid}/{before.StartTime} and {after.Pid}/{after.StartTime} are different processes");
        }

        return Cores(before.CpuTicks, after.CpuTicks, elapsedSeconds, userHz);
    }

    public static double Cores(ulong ticksBefore, ulong ticksAfter, double elapsedSeconds, int userHz) =>
        elapsedSeconds > 0 && ticksAfter > ticksBefore ? (ticksAfter - ticksBefore) / (double)userHz / elapsedSeconds : 0;
}
