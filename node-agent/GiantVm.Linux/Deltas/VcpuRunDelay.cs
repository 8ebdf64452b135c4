namespace GiantVm.Linux.Deltas;

/// <summary>
/// The host-side view of guest steal: summed run_delay growth of the vCPU threads that ran during
/// the interval, divided by their count times the elapsed time. Threads that did not run (a
/// GiantVM vCPU whose CPU lives on another host sits blocked) are left out.
/// </summary>
public static class VcpuRunDelay
{
    public static (double? Ratio, int Running) Compute(IEnumerable<(TaskSchedStat Before, TaskSchedStat After)> threads, double elapsedSeconds)
    {
        if (!(elapsedSeconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(elapsedSeconds), elapsedSeconds, "elapsed time must be positive");
        }

        ulong delay = 0;
        var running = 0;
        foreach (var (before, after) in threads)
        {
            if (after.RunNs <= before.RunNs)
            {
                continue;
            }

            running++;
            delay += after.RunDelayNs > before.RunDelayNs ? after.RunDelayNs - before.RunDelayNs : 0;
        }

        return running == 0 ? (null, 0) : (Math.Min(1.0, delay / (running * elapsedSeconds * 1e9)), running);
    }
}
