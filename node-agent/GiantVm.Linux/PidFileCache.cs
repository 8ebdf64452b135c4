using GiantVm.Linux.Parsing;
using GiantVm.Linux.Syscalls;

namespace GiantVm.Linux;

/// <summary>
/// Reads the small per-process files a sampler reads every sample (<c>&lt;pid&gt;/stat</c>,
/// <c>&lt;pid&gt;/comm</c> and <c>&lt;pid&gt;/schedstat</c>), keeping each one open between samples when the root is a real procfs:
/// a re-read is then one pread at offset 0 (the kernel regenerates the record) instead of a path
/// lookup, open, read and close (on the development machine about half the kernel time for stat,
/// a seventh for comm). An open procfs
/// file belongs to one process instance, never to a later process that reuses the pid: once its
/// process is gone the read fails (ESRCH), the descriptor is closed and the path is opened afresh.
/// <see cref="EndSample"/> closes the files of pids not read since the previous call. At most
/// <see cref="MaxOpen"/> files stay open (by default half the soft RLIMIT_NOFILE, leaving room for
/// sockets and the other files the process reads); beyond it a read opens, reads and closes. When
/// open() still fails with EMFILE/ENFILE, the held files are closed, the cap is lowered to half of
/// what was held, and the read is retried. On any other
/// tree (fake trees in tests, captures) every read opens the path, as <see cref="ProcFs"/> does.
/// One instance per sampling thread: not thread-safe.
/// </summary>
public sealed class PidFileCache : IDisposable
{
    /// <summary>Never more than this many files stay open, whatever the descriptor limit.</summary>
    public const int MaxOpenCeiling = 16_384;

    private const int EnFile = 23;
    private const int EmFile = 24;

    private readonly ProcFs _proc;
    private int _maxOpen;
    private readonly Dictionary<(int Pid, PidFile File), Held> _open = [];
    private readonly List<(int Pid, PidFile File)> _stale = [];
    private long _sample;

    public PidFileCache(ProcFs proc, bool? keepOpen = null, int? maxOpen = null)
    {
        _proc = proc;
        _maxOpen = maxOpen ?? DefaultMaxOpen(FileLimit.SoftOpenFiles());
        KeepOpen = keepOpen ?? FileSystemType.Of(proc.Root) == FileSystemType.Proc;
    }

    /// <summary>Whether files stay open between samples (true on a real procfs).</summary>
    public bool KeepOpen { get; }

    /// <summary>At most this many files stay open (lowered when open() runs out of descriptors).</summary>
    public int MaxOpen => _maxOpen;

    /// <summary>
    /// The default cap for a soft descriptor limit: half of it (the rest for sockets and the files
    /// read per sample), at most <see cref="MaxOpenCeiling"/>; 512 when the limit is unknown.
    /// </summary>
    public static int DefaultMaxOpen(long? softLimit) => softLimit switch
    {
        null => 512,
        var limit => (int)Math.Clamp(limit.Value / 2, 0, MaxOpenCeiling),
    };

    /// <summary>How many files are open now.</summary>
    public int OpenCount => _open.Count;

    /// <summary>Whether <paramref name="file"/> of <paramref name="pid"/> is open now.</summary>
    public bool IsOpen(int pid, PidFile file) => _open.ContainsKey((pid, file));

    /// <summary>The process's stat, null when it vanished.</summary>
    public PidStat? TryReadStat(int pid)
    {
        if (!TryRead(pid, PidFile.Stat, out var text, out _))
        {
            return null;
        }

        try
        {
            return PidStat.Parse(text);
        }
        catch (ProcParseException)
        {
            // the path only for the error message: no string per read on the good path
            return PidStat.Parse(text, _proc.Path(Str(pid), "stat"));
        }
    }

    /// <summary>
    /// The process's comm (its <c>comm</c> file without the newline; the same name stat shows in
    /// parentheses), false when it vanished. The text is valid until the next read on this thread.
    /// </summary>
    public bool TryReadComm(int pid, out ReadOnlySpan<char> comm)
    {
        if (!TryRead(pid, PidFile.Comm, out comm, out _))
        {
            return false;
        }

        if (comm.Length > 0 && comm[^1] == '\n')
        {
            comm = comm[..^1];
        }

        return true;
    }

    /// <summary>
    /// The nanoseconds the process's main thread has run (the first field of
    /// <c>&lt;pid&gt;/schedstat</c>; a fifth of the kernel's cost of stat), false when it vanished.
    /// <paramref name="sameInstance"/> is true when the read went through a file held open since
    /// an earlier sample: the process is then the one that file was opened for (an open procfs file
    /// never follows a reused pid), so equal runtimes mean it did not run in between.
    /// </summary>
    public bool TryReadRunNs(int pid, out ulong runNs, out bool sameInstance)
    {
        runNs = 0;
        if (!TryRead(pid, PidFile.SchedStat, out var text, out sameInstance))
        {
            return false;
        }

        var end = text.IndexOf(' ');
        if (end <= 0 || !ulong.TryParse(text[..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out runNs))
        {
            sameInstance = false; // not the format we know: never treat the task as idle on it
            runNs = 0;
        }

        return true;
    }

    /// <summary>Closes the files of every pid not read since the previous call.</summary>
    public void EndSample()
    {
        foreach (var (key, held) in _open)
        {
            if (held.Sample != _sample)
            {
                _stale.Add(key);
            }
        }

        foreach (var key in _stale)
        {
            FileText.CloseFd(_open[key].Fd);
            _open.Remove(key);
        }

        _stale.Clear();
        _sample++;
    }

    /// <summary>Closes every open file (after a sample that failed part-way); later reads reopen.</summary>
    public void CloseAll()
    {
        foreach (var held in _open.Values)
        {
            FileText.CloseFd(held.Fd);
        }

        _open.Clear();
    }

    public void Dispose() => CloseAll();

    private bool TryRead(int pid, PidFile file, out ReadOnlySpan<char> text, out bool reused)
    {
        reused = false;
        var name = file switch { PidFile.Stat => "stat", PidFile.Comm => "comm", _ => "schedstat" };
        if (!KeepOpen)
        {
            var path = _proc.Path(Str(pid), name);
            try
            {
                text = FileText.ReadSingleRecord(path);
                return true;
            }
            catch (Exception e) when (FileText.IsVanished(e))
            {
                text = default;
                return false;
            }
        }

        var key = (pid, file);
        if (_open.TryGetValue(key, out var held))
        {
            if (FileText.TryPreadSingleRecord(held.Fd, out text, out _))
            {
                _open[key] = held with { Sample = _sample };
                reused = true;
                return true;
            }

            // the process this file was opened for is gone; the pid may belong to a new one
            FileText.CloseFd(held.Fd);
            _open.Remove(key);
        }

        var filePath = _proc.Path(Str(pid), name);
        var fd = FileText.OpenRead(filePath, out var errno);
        if (fd < 0 && errno is EmFile or EnFile)
        {
            // out of descriptors: give back the held ones, hold fewer from now on, read this one plainly
            _maxOpen = _open.Count / 2;
            CloseAll();
            fd = FileText.OpenRead(filePath, out errno);
        }

        if (fd < 0)
        {
            return Vanished(FileText.Error(errno, filePath), out text);
        }

        if (!FileText.TryPreadSingleRecord(fd, out text, out errno))
        {
            FileText.CloseFd(fd);
            return Vanished(FileText.Error(errno, filePath), out text);
        }

        if (_open.Count < _maxOpen)
        {
            _open[key] = new Held(fd, _sample);
        }
        else
        {
            FileText.CloseFd(fd);
        }

        return true;
    }

    private static bool Vanished(Exception error, out ReadOnlySpan<char> text)
    {
        text = default;
        return FileText.IsVanished(error) ? false : throw error;
    }

    private static string Str(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private readonly record struct Held(int Fd, long Sample);
}
