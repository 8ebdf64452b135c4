using System.Collections.Concurrent;
using System.IO.Compression;

namespace GiantVm.Simulator.Trace;

/// <summary>
/// Streams the lines of part files in order: a background thread reads and decompresses
/// (<see cref="GZipStream"/> for <c>.gz</c>, plain otherwise) into pooled chunks of whole lines,
/// the consumer parses them, so decompression and parsing overlap on two cores. Memory is
/// bounded by the pool (a few MiB), never by the file sizes: a line longer than
/// <see cref="MaxLineBytes"/> (no newline within 64 KiB: not a trace CSV) is a
/// <see cref="TraceFormatException"/> naming the file and line, not a buffer that grows.
/// </summary>
internal sealed class TraceLineReader : IDisposable
{
    /// <summary>Longest accepted line, newline excluded.</summary>
    public const int MaxLineBytes = 64 * 1024;

    private const int DefaultChunkBytes = 1 << 20;
    private const int PoolSize = 6;

    private readonly IReadOnlyList<string> _files;
    private readonly BlockingCollection<LineChunk> _full = new(PoolSize);
    private readonly BlockingCollection<LineChunk> _empty = new(PoolSize);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly long[] _fileSizes;
    private long _completedBytes;
    private long _bytesRead;
    private Exception? _error;
    private long _lineInFile;
    private bool _disposed;

    public TraceLineReader(IReadOnlyList<string> files, int chunkBytes = DefaultChunkBytes)
    {
        _files = files;
        _fileSizes = files.Select(f => new FileInfo(f).Length).ToArray();
        TotalBytes = _fileSizes.Sum();
        for (int i = 0; i < PoolSize; i++)
        {
            _empty.Add(new LineChunk(chunkBytes));
        }

        _thread = new Thread(Produce) { IsBackground = true, Name = "trace-reader" };
        _thread.Start();
    }

    public IReadOnlyList<string> Files => _files;

    /// <summary>Sum of the (compressed) file sizes.</summary>
    public long TotalBytes { get; }

    /// <summary>
    /// (Compressed) bytes consumed so far, for progress and ETA. Written by the reading thread
    /// only (reading a FileStream's position from another thread races with its closing).
    /// </summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>The next chunk, or false at the end of the last file. Hand it back with <see cref="Return"/>.</summary>
    public bool TryRead(out LineChunk chunk)
    {
        try
        {
            if (_full.TryTake(out LineChunk? taken, Timeout.Infinite))
            {
                chunk = taken;
                return true;
            }
        }
        catch (InvalidOperationException)
        {
            // completed while waiting
        }

        if (_error is not null)
        {
            throw _error is TraceFormatException or IOException or InvalidDataException
                ? new TraceFormatException(_error.Message)
                : new InvalidOperationException("trace reader failed", _error);
        }

        chunk = null!;
        return false;
    }

    public void Return(LineChunk chunk)
    {
        chunk.Length = 0;
        _empty.Add(chunk);
    }

    private void Produce()
    {
        try
        {
            for (int f = 0; f < _files.Count && !_stop.IsCancellationRequested; f++)
            {
                ReadFile(f);
                _completedBytes += _fileSizes[f];
                Interlocked.Exchange(ref _bytesRead, _completedBytes);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            _full.CompleteAdding();
        }
    }

    private void ReadFile(int fileIndex)
    {
        string path = _files[fileIndex];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Stream input;
        try
        {
            input = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        }
        catch (Exception e)
        {
            throw new TraceFormatException($"{path}: {e.Message}");
        }

        _lineInFile = 1;
        using (input == file ? null : input)
        {
            LineChunk chunk = TakeEmpty(fileIndex);
            while (true)
            {
                if (chunk.Length == chunk.Buffer.Length)
                {
                    // one line longer than a chunk: grow
                    byte[] bigger = new byte[chunk.Buffer.Length * 2];
                    chunk.Buffer.AsSpan(0, chunk.Length).CopyTo(bigger);
                    chunk.Buffer = bigger;
                }

                int n;
                try
                {
                    n = input.Read(chunk.Buffer, chunk.Length, chunk.Buffer.Length - chunk.Length);
                }
                catch (InvalidDataException e)
                {
                    throw new TraceFormatException($"{path}: not a valid gzip stream ({e.Message})");
                }

                if (n == 0)
                {
                    if (chunk.Length > 0)
                    {
                        if (chunk.Buffer[chunk.Length - 1] != (byte)'\n')
                        {
                            if (chunk.Length == chunk.Buffer.Length)
                            {
                                byte[] grown = chunk.Buffer;
                                Array.Resize(ref grown, chunk.Length + 1);
                                chunk.Buffer = grown;
                            }

                            chunk.Buffer[chunk.Length++] = (byte)'\n';
                        }

                        Publish(chunk);
                    }
                    else
                    {
                        _empty.Add(chunk);
                    }

                    return;
                }

                chunk.Length += n;
                Interlocked.Exchange(ref _bytesRead, _completedBytes + Math.Min(file.Position, _fileSizes[fileIndex]));
                int lastNewline = chunk.Buffer.AsSpan(0, chunk.Length).LastIndexOf((byte)'\n');
                if (chunk.Length - (lastNewline + 1) > MaxLineBytes)
                {
                    throw LineTooLong(path, _lineInFile + chunk.Buffer.AsSpan(0, lastNewline + 1).Count((byte)'\n'));
                }
                if (lastNewline < 0 || chunk.Length < chunk.Buffer.Length)
                {
                    continue;
                }

                int tail = chunk.Length - (lastNewline + 1);
                LineChunk next = TakeEmpty(fileIndex);
                if (next.Buffer.Length < tail * 2)
                {
                    next.Buffer = new byte[Math.Max(next.Buffer.Length, tail * 2)];
                }

                chunk.Buffer.AsSpan(lastNewline + 1, tail).CopyTo(next.Buffer);
                next.Length = tail;
                chunk.Length = lastNewline + 1;
                Publish(chunk);
                chunk = next;
            }
        }
    }

    private LineChunk TakeEmpty(int fileIndex)
    {
        LineChunk chunk = _empty.Take(_stop.Token);
        chunk.Length = 0;
        chunk.FileIndex = fileIndex;
        return chunk;
    }

    private void Publish(LineChunk chunk)
    {
        chunk.FirstLine = _lineInFile;
        // Counts the lines and checks each one's length in the same pass (a line that arrived
        // whole in one read was not seen by the pending-tail check in ReadFile).
        var rest = chunk.Data;
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf((byte)'\n');
            if (end > MaxLineBytes)
            {
                throw LineTooLong(_files[chunk.FileIndex], _lineInFile);
            }

            _lineInFile++;
            rest = rest[(end + 1)..];
        }

        _full.Add(chunk, _stop.Token);
    }

    private static TraceFormatException LineTooLong(string path, long line) =>
        new($"{path}:{line}: line longer than {MaxLineBytes} bytes (no newline within 64 KiB; is this a trace CSV?)");

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        // unblock a producer waiting for room
        while (_full.TryTake(out _))
        {
        }

        _thread.Join();
        _stop.Dispose();
        _full.Dispose();
        _empty.Dispose();
    }
}
