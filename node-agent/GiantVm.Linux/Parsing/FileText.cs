using System.Runtime.InteropServices;
using System.Text;

namespace GiantVm.Linux.Parsing;

/// <summary>
/// Reads a whole /proc or /sys file into a per-thread buffer and hands it out as characters.
/// Never trusts the file's stat size (procfs reports 0 or 4096): reads until read() returns 0.
/// Uses open/read/close directly: FileStream/SafeFileHandle add fstat and two flock calls per
/// file, which doubles the cost of the thousand small files a guest sample reads. The returned
/// span is valid until the next read on the same thread.
/// </summary>
internal static partial class FileText
{
    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000;
    private const int EIntr = 4;

    [ThreadStatic] private static byte[]? t_bytes;
    [ThreadStatic] private static char[]? t_chars;

    public static ReadOnlySpan<char> Read(string path) => Read(path, singleRecord: false);

    /// <summary>
    /// For files the kernel generates as ONE seq_file record (single_open: /proc/&lt;pid&gt;/stat,
    /// task/&lt;tid&gt;/schedstat, comm) and for regular files, a read that returns less than asked is
    /// the end of the file, so the closing read() that would return 0 is skipped (one syscall of
    /// four per BE task and sample). Multi-record files (/proc/stat, status, numa_maps) can return
    /// short reads mid-file when the seq_file buffer overflows: use <see cref="Read(string)"/>.
    /// </summary>
    public static ReadOnlySpan<char> ReadSingleRecord(string path) => Read(path, singleRecord: true);

    private static unsafe ReadOnlySpan<char> Read(string path, bool singleRecord)
    {
        var bytes = t_bytes ??= new byte[16 * 1024];
        var fd = Open(path, ORdOnly | OCloExec);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EIntr)
        {
            fd = Open(path, ORdOnly | OCloExec);
        }

        if (fd < 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }

        var total = 0;
        try
        {
            while (true)
            {
                if (total == bytes.Length)
                {
                    Array.Resize(ref bytes, bytes.Length * 2);
                    t_bytes = bytes;
                }

                nint n;
                var asked = bytes.Length - total;
                fixed (byte* p = &bytes[total])
                {
                    n = ReadFd(fd, p, asked);
                }

                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EIntr)
                    {
                        continue;
                    }

                    throw ErrnoException(errno, path);
                }

                if (n == 0)
                {
                    break;
                }

                total += (int)n;
                if (singleRecord && n < asked)
                {
                    break;
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }

        return Decode(bytes, total);
    }

    private static ReadOnlySpan<char> Decode(byte[] bytes, int total)
    {
        var chars = t_chars;
        if (chars is null || chars.Length < total)
        {
            chars = t_chars = new char[Math.Max(total, 16 * 1024)];
        }

        // Kernel text is ASCII except file names and comm, which are raw bytes: Latin-1 maps every
        // byte to one char, so nothing is lost and nothing can fail to decode.
        var count = Encoding.Latin1.GetChars(bytes.AsSpan(0, total), chars);
        return chars.AsSpan(0, count);
    }

    /// <summary>Opens a file for reading; the descriptor, or -1 with <paramref name="errno"/> set.</summary>
    public static int OpenRead(string path, out int errno)
    {
        int fd;
        do
        {
            fd = Open(path, ORdOnly | OCloExec);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (errno == EIntr);

        return fd;
    }

    /// <summary>
    /// Re-reads a single-record file (see <see cref="ReadSingleRecord"/>) through an open descriptor
    /// with one pread at offset 0: procfs regenerates the record on every read from offset 0, so a
    /// descriptor kept open between samples saves the path lookup, open and close. False with
    /// <paramref name="errno"/> set when the read failed (ESRCH: the process the descriptor was
    /// opened for is gone). The text is valid until the next read on the same thread.
    /// </summary>
    public static unsafe bool TryPreadSingleRecord(int fd, out ReadOnlySpan<char> text, out int errno)
    {
        var bytes = t_bytes ??= new byte[16 * 1024];
        nint n;
        do
        {
            fixed (byte* p = bytes)
            {
                n = Pread(fd, p, bytes.Length, 0);
            }
        }
        while (n < 0 && Marshal.GetLastPInvokeError() == EIntr);

        if (n < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            text = default;
            return false;
        }

        errno = 0;
        text = Decode(bytes, (int)n);
        return true;
    }

    public static void CloseFd(int fd) => _ = Close(fd);

    /// <summary>The exception <see cref="Read(string)"/> throws for an errno.</summary>
    public static Exception Error(int errno, string path) => ErrnoException(errno, path);

    /// <summary>True when the exception means "the file or its process is gone" (not an error for /proc/&lt;pid&gt;).</summary>
    public static bool IsVanished(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => true,
        // ESRCH (3): the process exited while we read its files.
        IOException io when (io.HResult & 0xFFFF) == 3 || io.Message.Contains("No such process", StringComparison.Ordinal) => true,
        _ => false,
    };

    private static Exception ErrnoException(int errno, string path) => errno switch
    {
        2 => new FileNotFoundException($"{path}: no such file", path),                     // ENOENT
        20 => new DirectoryNotFoundException($"{path}: a parent is not a directory"),      // ENOTDIR
        13 or 1 => new UnauthorizedAccessException($"{path}: permission denied"),          // EACCES, EPERM
        3 => new IOException($"{path}: No such process", 3),                               // ESRCH
        21 => new IOException($"{path}: is a directory", errno),                           // EISDIR
        _ => new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno),
    };

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadFd(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint Pread(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
