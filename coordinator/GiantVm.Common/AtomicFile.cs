using System.Globalization;
using System.Text;

namespace GiantVm.Common;

/// <summary>
/// Replaces a file so that a reader sees either the old content or the new one, never a part:
/// the content goes to a hidden temporary file in the same folder (<c>.NAME.PID.tmp</c>: the
/// same file system, and no clash between processes writing the same folder), which is then
/// renamed over the target. Readers that list the folder skip names starting with '.'.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(false);

    /// <summary>Writes <paramref name="content"/> (UTF-8, no byte order mark) to <paramref name="path"/>
    /// atomically. The folder must exist (<see cref="DirectoryNotFoundException"/> otherwise).</summary>
    public static void WriteAllText(string path, string content)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(dir, "." + Path.GetFileName(path) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
        File.WriteAllText(temp, content, Utf8NoBom);
        File.Move(temp, path, overwrite: true);
    }
}
