using GiantVm.Common;

namespace GiantVm.Simulator.Emulation;

/// <summary>
/// Writes rendered files under a root the way a reader of a live kernel tree can rely on:
/// each file is replaced atomically (write a temporary file in the same folder, then rename),
/// and only files whose content changed are written.
/// </summary>
internal sealed class TreeWriter(string root)
{
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    public string Root { get; } = root;

    /// <summary>Writes the changed files; returns how many were written.</summary>
    public int Write(IEnumerable<(string Path, string Content)> files)
    {
        var count = 0;
        foreach (var (path, content) in files)
        {
            if (_written.TryGetValue(path, out var old) && old == content)
            {
                continue;
            }

            WriteAtomically(Path.Combine(Root, path), content);
            _written[path] = content;
            count++;
        }

        return count;
    }

    /// <summary>Replaces one file (<see cref="AtomicFile"/>), creating its folder the first time.</summary>
    public void WriteAtomically(string full, string content)
    {
        var dir = Path.GetDirectoryName(full)!;
        if (_directories.Add(dir))
        {
            Directory.CreateDirectory(dir);
        }

        AtomicFile.WriteAllText(full, content);
    }
}
