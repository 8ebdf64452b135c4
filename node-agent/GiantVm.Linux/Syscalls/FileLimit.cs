using System.Runtime.InteropServices;

namespace GiantVm.Linux.Syscalls;

/// <summary>getrlimit(2)/setrlimit(2) for RLIMIT_NOFILE: how many descriptors this process may have open.</summary>
public static partial class FileLimit
{
    private const int RlimitNoFile = 7;

    /// <summary>
    /// The soft limit on open descriptors (the one open() fails against with EMFILE), or null when
    /// it cannot be read or is unlimited. NativeAOT does not raise it at start (the agent does: <see cref="RaiseSoftToHard"/>).
    /// </summary>
    public static unsafe long? SoftOpenFiles()
    {
        // struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; } with a 64-bit rlim_t on 64-bit Linux.
        var limits = stackalloc ulong[2];
        if (getrlimit(RlimitNoFile, limits) != 0 || limits[0] > long.MaxValue)
        {
            return null;
        }

        return (long)limits[0];
    }

    /// <summary>
    /// Raises the soft limit on open descriptors to the hard one, as the .NET runtime does at start
    /// under the JIT (NativeAOT does not): a NativeAOT agent started with the common soft limit of
    /// 1024 could otherwise hold only 512 of the per-process files it re-reads every sample. A
    /// refusal leaves it as it was.
    /// </summary>
    public static unsafe void RaiseSoftToHard()
    {
        var limits = stackalloc ulong[2];
        if (getrlimit(RlimitNoFile, limits) == 0 && limits[0] < limits[1])
        {
            limits[0] = limits[1];
            _ = setrlimit(RlimitNoFile, limits);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int getrlimit(int resource, ulong* limits);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int setrlimit(int resource, ulong* limits);
}
