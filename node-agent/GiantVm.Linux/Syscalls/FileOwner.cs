using System.Runtime.InteropServices;

namespace GiantVm.Linux.Syscalls;

/// <summary>statx(2) owner and mode of a path, and the process's effective uid.</summary>
public static partial class FileOwner
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>Owner uid, group gid and mode bits (permissions and type) of <paramref name="path"/> (symlinks followed), or null with the errno when statx fails.</summary>
    public static unsafe (uint Uid, uint Gid, uint Mode)? Of(string path, out int errno)
    {
        // struct statx has the same layout on every architecture: stx_uid at byte 20, stx_gid at
        // 24, stx_mode (u16) at 28; the whole struct is 256 bytes.
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return (*(uint*)(buffer + 20), *(uint*)(buffer + 24), *(ushort*)(buffer + 28));
    }

    /// <summary>geteuid(2).</summary>
    public static uint EffectiveUid() => GetEuid();

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
