using System.Runtime.InteropServices;

namespace GiantVm.Linux;

/// <summary>USER_HZ, the unit of /proc/stat and /proc/&lt;pid&gt;/stat times: sysconf(_SC_CLK_TCK).</summary>
public static partial class UserHz
{
    private const int ScClkTck = 2;

    public static int Value { get; } = Query();

    private static int Query()
    {
        try
        {
            var hz = Sysconf(ScClkTck);
            return hz > 0 ? (int)hz : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
