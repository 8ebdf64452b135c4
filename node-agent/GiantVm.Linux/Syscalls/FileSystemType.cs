using System.Runtime.InteropServices;

namespace GiantVm.Linux.Syscalls;

/// <summary>statfs(2)'s f_type of a path: which kind of file system it is on.</summary>
public static partial class FileSystemType
{
    /// <summary>PROC_SUPER_MAGIC.</summary>
    public const long Proc = 0x9fa0;

    /// <summary>The file system magic number of <paramref name="path"/>, or null when statfs fails.</summary>
    public static unsafe long? Of(string path)
    {
        // struct statfs is 120 bytes on 64-bit Linux; f_type (a long) comes first on every architecture.
        var buffer = stackalloc long[64];
        return StatFs(path, buffer) == 0 ? buffer[0] : null;
    }

    [LibraryImport("libc", EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int StatFs(string path, long* buffer);
}
