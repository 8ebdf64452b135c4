using System.Collections.Immutable;

namespace GiantVm.Simulator.Emulation;

/// <summary>One BE process in the emulated guest.</summary>
/// <param name="Tids">Thread ids; the first is the pid.</param>
/// <param name="StartTicks">/proc/&lt;pid&gt;/stat field 22.</param>
/// <param name="CpuNode">The node whose CPUs it may run on (its affinity); its demand counts there.</param>
/// <param name="Pages">Resident pages per node (index = node id).</param>
/// <param name="CpuSeconds">CPU time it received so far.</param>
/// <param name="ServedCores">CPU it received over the last step, in cores.</param>
internal sealed record EmulatedTask(
    int Pid,
    ImmutableArray<int> Tids,
    string Comm,
    ulong StartTicks,
    double DemandCores,
    int CpuNode,
    ImmutableArray<long> Pages,
    double CpuSeconds,
    double ServedCores)
{
    public long TotalPages => Pages.Sum();

    /// <summary>The node holding most of its pages (lowest id on a tie), as the agent computes it.</summary>
    public int PageNode
    {
        get
        {
            var best = 0;
            for (var i = 1; i < Pages.Length; i++)
            {
                if (Pages[i] > Pages[best])
                {
                    best = i;
                }
            }

            return best;
        }
    }
}
