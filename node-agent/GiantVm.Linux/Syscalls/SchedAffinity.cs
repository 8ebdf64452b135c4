using System.Runtime.InteropServices;

namespace GiantVm.Linux.Syscalls;

/// <summary>
/// sched_setaffinity(2) and sched_getaffinity(2) for one thread id. Masks cover up to
/// <see cref="MaxCpus"/> CPUs. Errors come back as errno values (0 = success), never exceptions:
/// ESRCH (the thread exited) is normal for a caller walking a live thread list.
/// </summary>
public static partial class SchedAffinity
{
    public const int MaxCpus = 8192;
    public const int Eperm = 1;
    public const int Esrch = 3;
    public const int Einval = 22;

    private const int Words = MaxCpus / 64;

    /// <summary>Sets the CPUs thread <paramref name="tid"/> may run on; returns 0 or the errno.</summary>
    public static unsafe int Set(int tid, IReadOnlyCollection<int> cpus)
    {
        if (cpus.Count == 0)
        {
            return Einval;
        }

        var mask = stackalloc ulong[Words];
        new Span<ulong>(mask, Words).Clear();
        foreach (var cpu in cpus)
        {
            if (cpu < 0 || cpu >= MaxCpus)
            {
                return Einval;
            }

            mask[cpu / 64] |= 1UL << (cpu % 64);
        }

        return sched_setaffinity(tid, Words * sizeof(ulong), mask) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The CPUs thread <paramref name="tid"/> may run on, or the errno when it cannot be read.</summary>
    public static unsafe (int[] Cpus, int Errno) Get(int tid)
    {
        var mask = stackalloc ulong[Words];
        new Span<ulong>(mask, Words).Clear();
        if (sched_getaffinity(tid, Words * sizeof(ulong), mask) != 0)
        {
            return ([], Marshal.GetLastPInvokeError());
        }

        var cpus = new List<int>();
        for (var i = 0; i < MaxCpus; i++)
        {
            if ((mask[i / 64] & (1UL << (i % 64))) != 0)
            {
                cpus.Add(i);
            }
        }

        return ([.. cpus], 0);
    }

    /// <summary>A short name for an errno the executor meets ("ESRCH: no such process").</summary>
    public static string Describe(int errno) => errno switch
    {
        Eperm => "EPERM: not permitted (needs the same user or CAP_SYS_NICE)",
        Esrch => "ESRCH: no such process",
        Einval => "EINVAL: no usable CPU in the mask",
        _ => $"errno {errno}",
    };

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int sched_setaffinity(int pid, nint cpusetsize, ulong* mask);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int sched_getaffinity(int pid, nint cpusetsize, ulong* mask);
}
