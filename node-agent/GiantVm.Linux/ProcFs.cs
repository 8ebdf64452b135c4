using System.IO.Enumeration;
using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// Reads a proc file system mounted at <see cref="Root"/> (the real <c>/proc</c>, or a fake tree).
/// Every read is "read the whole file, then Parse". Per-process reads return null when the
/// process (or thread) vanished between listing and reading: that is normal, not an error.
/// Safe to use from several threads: each thread has its own read buffer.
/// </summary>
public sealed class ProcFs
{
    public ProcFs(string root = "/proc")
    {
        Root = root;
    }

    public string Root { get; }

    public string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public ProcStat ReadStat()
    {
        var path = Path("stat");
        return ProcStat.Parse(FileText.Read(path), path);
    }

    public MemInfo ReadMemInfo()
    {
        var path = Path("meminfo");
        return MemInfo.Parse(FileText.Read(path), path);
    }

    public LoadAvg ReadLoadAvg()
    {
        var path = Path("loadavg");
        return LoadAvg.Parse(FileText.Read(path), path);
    }

    /// <summary>/proc/uptime, null when the tree has none (fake trees may omit it).</summary>
    public Uptime? ReadUptime()
    {
        var path = Path("uptime");
        return File.Exists(path) ? Uptime.Parse(FileText.Read(path), path) : null;
    }

    /// <summary><c>kernel.numa_balancing</c> (0 off, 1 normal, 2 memory tiering), -1 when the file is absent.</summary>
    public int ReadNumaBalancing()
    {
        var path = Path("sys", "kernel", "numa_balancing");
        return File.Exists(path) ? (int)SingleValue.ParseInt64(FileText.Read(path), path) : -1;
    }

    /// <summary>The numeric entries of the root, in ascending order.</summary>
    public IReadOnlyList<int> ListPids()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var name = System.IO.Path.GetFileName(dir.AsSpan());
            if (Numbers.TryInt32(name, out var pid) && pid > 0 && char.IsAsciiDigit(name[0]))
            {
                pids.Add(pid);
            }
        }

        pids.Sort();
        return pids;
    }

    /// <summary>
    /// The numeric entries of the root, in ascending order, into <paramref name="pids"/> (cleared
    /// first): no string per directory entry, for a sampler that lists every second.
    /// </summary>
    public void ListPids(List<int> pids)
    {
        pids.Clear();
        var entries = new FileSystemEnumerable<int>(
            Root,
            static (ref FileSystemEntry entry) => Numbers.TryInt32(entry.FileName, out var pid) ? pid : 0,
            new EnumerationOptions { AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) =>
                entry.FileName.Length > 0 && char.IsAsciiDigit(entry.FileName[0]) && entry.IsDirectory,
        };
        foreach (var pid in entries)
        {
            if (pid > 0)
            {
                pids.Add(pid);
            }
        }

        pids.Sort();
    }

    /// <summary>The thread ids of a process, empty when it vanished.</summary>
    public IReadOnlyList<int> ListTasks(int pid)
    {
        var tids = new List<int>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(Path(Str(pid), "task")))
            {
                if (Numbers.TryInt32(System.IO.Path.GetFileName(dir.AsSpan()), out var tid) && tid > 0)
                {
                    tids.Add(tid);
                }
            }
        }
        catch (Exception e) when (FileText.IsVanished(e))
        {
            return [];
        }

        tids.Sort();
        return tids;
    }

    public PidStat? TryReadPidStat(int pid) => TryRead(Path(Str(pid), "stat"), PidStat.Parse, singleRecord: true);

    public PidStatus? TryReadPidStatus(int pid) => TryRead(Path(Str(pid), "status"), PidStatus.Parse);

    /// <summary>numa_maps; null when the process vanished or we may not read it (needs ptrace-read access).</summary>
    public NumaMaps? TryReadNumaMaps(int pid)
    {
        try
        {
            return TryRead(Path(Str(pid), "numa_maps"), NumaMaps.Parse);
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public TaskSchedStat? TryReadTaskSchedStat(int pid, int tid)
    {
        var path = Path(Str(pid), "task", Str(tid), "schedstat");
        try
        {
            return TaskSchedStat.Parse(FileText.ReadSingleRecord(path), path);
        }
        catch (Exception e) when (FileText.IsVanished(e))
        {
            return null;
        }
    }

    /// <summary>A thread's name (task/&lt;tid&gt;/comm) without the trailing newline.</summary>
    public string? TryReadTaskComm(int pid, int tid) => TryRead(Path(Str(pid), "task", Str(tid), "comm"), static (text, _) => text.TrimEnd('\n').ToString(), singleRecord: true);

    private static T? TryRead<T>(string path, Parser<T> parse, bool singleRecord = false)
        where T : class
    {
        try
        {
            return parse(singleRecord ? FileText.ReadSingleRecord(path) : FileText.Read(path), path);
        }
        catch (Exception e) when (FileText.IsVanished(e))
        {
            return null;
        }
    }

    private static string Str(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private delegate T Parser<T>(ReadOnlySpan<char> text, string path);
}
