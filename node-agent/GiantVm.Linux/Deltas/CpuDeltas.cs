namespace GiantVm.Linux.Deltas;

/// <summary>Applies <see cref="CpuDeltaRules"/> to two /proc/stat samples.</summary>
public static class CpuDeltas
{
    public static CpuDeltaSet Compute(ProcStat before, ProcStat after, double elapsedSeconds, CpuDeltaRules rules)
    {
        if (!(elapsedSeconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(elapsedSeconds), elapsedSeconds, "elapsed time must be positive");
        }

        var max = rules.MaxTotalTicks(elapsedSeconds);
        var valid = new Dictionary<int, CpuTimes>(after.Cpus.Count);
        var discarded = new List<int>();
        var appeared = new List<int>();
        var disappeared = new List<int>();

        // Both lists are sorted by CPU id: merge them.
        int i = 0, j = 0;
        while (i < before.Cpus.Count || j < after.Cpus.Count)
        {
            if (j == after.Cpus.Count || (i < before.Cpus.Count && before.Cpus[i].Cpu < after.Cpus[j].Cpu))
            {
                disappeared.Add(before.Cpus[i++].Cpu);
            }
            else if (i == before.Cpus.Count || after.Cpus[j].Cpu < before.Cpus[i].Cpu)
            {
                appeared.Add(after.Cpus[j++].Cpu);
            }
            else
            {
                var delta = CpuTimes.ClampedDelta(before.Cpus[i].Times, after.Cpus[j].Times);
                if (delta.Total > max)
                {
                    discarded.Add(after.Cpus[j].Cpu);
                }
                else
                {
                    valid[after.Cpus[j].Cpu] = delta;
                }

                i++;
                j++;
            }
        }

        return new CpuDeltaSet(elapsedSeconds, valid, discarded, appeared, disappeared);
    }
}
