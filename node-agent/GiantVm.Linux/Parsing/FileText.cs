using System.Text;
using Microsoft.Win32.SafeHandles;

namespace GiantVm.Linux.Parsing;

/// <summary>
/// Reads a whole /proc or /sys file into a per-thread buffer and hands it out as characters.
/// Never trusts the file's stat size (procfs reports 0 or 4096): reads until end of file. The
/// returned span is valid until the next read on the same thread.
/// </summary>
internal static class FileText
{
    [ThreadStatic] private static byte[]? t_bytes;
    [ThreadStatic] private static char[]? t_chars;

    public static ReadOnlySpan<char> Read(string path)
    {
        var bytes = t_bytes ??= new byte[16 * 1024];
        var total = 0;
        using (SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            while (true)
            {
                if (total == bytes.Length)
                {
                    Array.Resize(ref bytes, bytes.Length * 2);
                    t_bytes = bytes;
                }

                var n = RandomAccess.Read(handle, bytes.AsSpan(total), total);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }

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

    /// <summary>True when the exception means "the file or its process is gone" (not an error for /proc/&lt;pid&gt;).</summary>
    public static bool IsVanished(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => true,
        // ESRCH (3): the process exited while we read its files.
        IOException io when (io.HResult & 0xFFFF) == 3 || io.Message.Contains("No such process", StringComparison.Ordinal) => true,
        _ => false,
    };
}
