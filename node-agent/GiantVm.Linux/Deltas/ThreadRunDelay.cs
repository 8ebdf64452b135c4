namespace GiantVm.Linux.Deltas;

/// <summary>
/// How much CPU a group of threads waited for: the summed growth of their schedstat run_delay
/// (nanoseconds runnable but not running) over an interval, per second, in cores. Added to the
/// CPU they got, it is the CPU they asked for: the host agent's LC demand.
/// </summary>
public static class ThreadRunDelay
{
    /// <summary>
    /// Summed run_delay growth of the threads present in both samples (by tid) / elapsed, in cores.
    /// 0 when <paramref name="after"/> holds no thread (nothing waits); null when no thread is in both
    /// samples (nothing to compare this interval) or every compared thread reads <c>0 0</c> (a kernel
    /// without sched_info accounting). A thread whose counters went back (its tid reused) counts 0.
    /// Threads born during the interval are left out, so the figure errs low.
    /// </summary>
    public static double? WaitingCores(IReadOnlyDictionary<int, TaskSchedStat> before, IReadOnlyDictionary<int, TaskSchedStat> after, double elapsedSeconds)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (!(elapsedSeconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(elapsedSeconds), elapsedSeconds, "elapsed time must be positive");
        }

        if (after.Count == 0)
        {
            return 0;
        }

        ulong delay = 0;
        var compared = 0;
        var accounted = false;
        foreach (var (tid, now) in after)
        {
            if (!before.TryGetValue(tid, out var then))
            {
                continue;
            }

            compared++;
            accounted |= now.RunNs != 0 || now.RunDelayNs != 0;
            delay += now.RunDelayNs > then.RunDelayNs ? now.RunDelayNs - then.RunDelayNs : 0;
        }

        return compared == 0 || !accounted ? null : delay / (elapsedSeconds * 1e9);
    }
}
