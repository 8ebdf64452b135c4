namespace GiantVm.Simulator.Trace;

/// <summary>A run of complete lines (each ending in '\n') from one part file.</summary>
internal sealed class LineChunk(int capacity)
{
    public byte[] Buffer { get; set; } = new byte[capacity];

    public int Length { get; set; }

    /// <summary>Index of the part file in the reader's list.</summary>
    public int FileIndex { get; set; }

    /// <summary>1-based line number of the chunk's first line in its file.</summary>
    public long FirstLine { get; set; }

    public ReadOnlySpan<byte> Data => Buffer.AsSpan(0, Length);
}
