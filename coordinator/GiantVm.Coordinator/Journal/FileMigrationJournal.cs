using System.Text;
using GiantVm.Coordinator.Metrics;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Journal;

/// <summary>
/// Append-only JSON Lines files in the data folder: <c>migrations.jsonl</c> is written; when it
/// would grow past the size limit it is renamed <c>migrations.1.jsonl</c> (the previous .1 becomes
/// .2, and so on) and files beyond the kept count are deleted, oldest first. Each append is
/// flushed to disk (fsync) before it returns.
/// </summary>
public sealed class FileMigrationJournal : IMigrationJournal, IDisposable
{
    public const string CurrentFileName = "migrations.jsonl";

    private readonly object _gate = new();
    private readonly string _folder;
    private readonly long _maxFileBytes;
    private readonly int _maxFiles;
    private readonly TimeProvider _time;
    private FileStream? _stream;

    public FileMigrationJournal(string folder, long maxFileBytes, int maxFiles, TimeProvider time)
    {
        _folder = folder;
        _maxFileBytes = Math.Max(1024, maxFileBytes);
        _maxFiles = Math.Max(1, maxFiles);
        _time = time;
        Directory.CreateDirectory(folder);
    }

    public string CurrentPath => Path.Combine(_folder, CurrentFileName);

    /// <summary>The name of the n-th rotated file (1 = the newest rotated one).</summary>
    public static string RotatedFileName(int n) => $"migrations.{n}.jsonl";

    public void Append(JournalRecord record)
    {
        var bytes = Encoding.UTF8.GetBytes(JournalJson.Serialize(record) + "\n");
        lock (_gate)
        {
            var stream = _stream ??= Open();
            if (stream.Length > 0 && stream.Length + bytes.Length > _maxFileBytes)
            {
                Rotate();
                stream = _stream = Open();
            }

            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        CoordinatorMetrics.JournalBytes.Inc(bytes.Length);
        CoordinatorMetrics.JournalLag.Observe(Math.Max(0, (_time.GetUtcNow() - record.Time).TotalSeconds));
    }

    public IReadOnlyList<JournalRecord> ReadAll()
    {
        var records = new List<JournalRecord>();
        lock (_gate)
        {
            for (var n = _maxFiles - 1; n >= 1; n--)
            {
                records.AddRange(ReadFile(Path.Combine(_folder, RotatedFileName(n))));
            }

            records.AddRange(ReadFile(CurrentPath));
        }

        return records;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private static IReadOnlyList<JournalRecord> ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return JournalJson.ReadLines(reader.ReadToEnd(), path);
    }

    private FileStream Open()
    {
        var stream = new FileStream(CurrentPath, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete);
        return stream;
    }

    private void Rotate()
    {
        _stream?.Dispose();
        _stream = null;
        var oldest = Path.Combine(_folder, RotatedFileName(_maxFiles - 1));
        if (_maxFiles == 1)
        {
            File.Delete(CurrentPath);
            return;
        }

        File.Delete(oldest);
        for (var n = _maxFiles - 2; n >= 1; n--)
        {
            var from = Path.Combine(_folder, RotatedFileName(n));
            if (File.Exists(from))
            {
                File.Move(from, Path.Combine(_folder, RotatedFileName(n + 1)));
            }
        }

        File.Move(CurrentPath, Path.Combine(_folder, RotatedFileName(1)));
    }
}
