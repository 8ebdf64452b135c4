using System.Runtime.InteropServices;

namespace GiantVm.Linux.Syscalls;

/// <summary>
/// execvp(3): replaces the calling process with a program found on PATH, keeping its pid (so a
/// pid written to a BE pid file or cgroup before the call names the new program). Returns only
/// on failure, with the errno.
/// </summary>
public static partial class Exec
{
    public const int Enoent = 2;
    public const int Eacces = 13;

    public static unsafe int ExecVp(string file, IReadOnlyList<string> argv)
    {
        var pointers = new nint[argv.Count + 1];
        try
        {
            for (var i = 0; i < argv.Count; i++)
            {
                pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }

            var path = Marshal.StringToCoTaskMemUTF8(file);
            try
            {
                fixed (nint* args = pointers)
                {
                    execvp(path, args);
                }

                return Marshal.GetLastPInvokeError();
            }
            finally
            {
                Marshal.FreeCoTaskMem(path);
            }
        }
        finally
        {
            foreach (var p in pointers)
            {
                if (p != 0)
                {
                    Marshal.FreeCoTaskMem(p);
                }
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int execvp(nint file, nint* argv);
}
