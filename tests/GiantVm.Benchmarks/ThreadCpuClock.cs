using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace GiantVm.Benchmarks;

/// <summary>
/// A BenchmarkDotNet clock that reads the calling thread's CPU time
/// (clock_gettime(CLOCK_THREAD_CPUTIME_ID), user + system, nanoseconds): with it a benchmark's
/// Mean is CPU time per operation, unaffected by other processes competing for the cores.
/// Works with the in-process toolchain (the clock object is used as is).
/// </summary>
internal sealed class ThreadCpuClock : IClock
{
    public static readonly ThreadCpuClock Instance = new();

    private const int ClockThreadCpuTimeId = 3;

    public string Title => "thread CPU time";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency => Frequency.GHz; // nanoseconds

    public long GetTimestamp()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var ts) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport, not LibraryImport: this project does not allow unsafe code, and the signature is blittable.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out TimeSpec ts);
}
