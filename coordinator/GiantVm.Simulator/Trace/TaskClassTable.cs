namespace GiantVm.Simulator.Trace;

/// <summary>
/// The scheduling class of every task (job ID, task index): the class of its last row in
/// task_events. Stored per job as one byte per task index, so the whole trace's ~25M tasks fit
/// in tens of MiB.
/// </summary>
public sealed class TaskClassTable
{
    private const byte Unknown = 0xFF;
    private readonly Dictionary<long, byte[]> _jobs = new();

    public int Jobs => _jobs.Count;

    public long Tasks { get; private set; }

    public void Set(long job, int taskIndex, int schedulingClass)
    {
        if (taskIndex < 0 || schedulingClass is < 0 or > 254)
        {
            return;
        }

        if (!_jobs.TryGetValue(job, out byte[]? classes))
        {
            classes = new byte[Math.Max(4, taskIndex + 1)];
            Array.Fill(classes, Unknown);
            _jobs[job] = classes;
        }
        else if (taskIndex >= classes.Length)
        {
            int old = classes.Length;
            Array.Resize(ref classes, Math.Max(taskIndex + 1, old * 2));
            classes.AsSpan(old).Fill(Unknown);
            _jobs[job] = classes;
        }

        if (classes[taskIndex] == Unknown)
        {
            Tasks++;
        }

        classes[taskIndex] = (byte)schedulingClass;
    }

    public bool TryGet(long job, int taskIndex, out int schedulingClass)
    {
        if (_jobs.TryGetValue(job, out byte[]? classes) && (uint)taskIndex < (uint)classes.Length && classes[taskIndex] != Unknown)
        {
            schedulingClass = classes[taskIndex];
            return true;
        }

        schedulingClass = -1;
        return false;
    }

    /// <summary>The first pass over task_events (columns 3 job ID, 4 task index, 8 scheduling class).</summary>
    public static TaskClassTable Read(IReadOnlyList<string> parts, Action<long, long, long>? progress = null)
    {
        var table = new TaskClassTable();
        using var reader = new TraceLineReader(parts);
        long rows = 0;
        while (reader.TryRead(out LineChunk chunk))
        {
            string file = parts[chunk.FileIndex];
            long lineNo = chunk.FirstLine;
            ReadOnlySpan<byte> data = chunk.Data;
            while (!data.IsEmpty)
            {
                int nl = data.IndexOf((byte)'\n');
                ReadOnlySpan<byte> line = data[..nl].TrimEnd((byte)'\r');
                data = data[(nl + 1)..];
                if (!line.IsEmpty)
                {
                    var f = new CsvFields(line);
                    f.Skip(2);
                    f.Next(out ReadOnlySpan<byte> jobField);
                    f.Next(out ReadOnlySpan<byte> indexField);
                    f.Skip(3);
                    f.Next(out ReadOnlySpan<byte> classField);
                    if (!CsvFields.TryParseInt64(jobField, out long job))
                    {
                        throw TraceFormatException.At(file, lineNo, 3, "job ID is not an integer");
                    }

                    if (!CsvFields.TryParseInt64(indexField, out long index))
                    {
                        throw TraceFormatException.At(file, lineNo, 4, "task index is not an integer");
                    }

                    if (CsvFields.TryParseInt64(classField, out long cls))
                    {
                        table.Set(job, (int)index, (int)cls);
                    }

                    rows++;
                }

                lineNo++;
            }

            reader.Return(chunk);
            progress?.Invoke(rows, reader.BytesRead, reader.TotalBytes);
        }

        return table;
    }
}
