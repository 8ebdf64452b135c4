using System.IO.Compression;
using System.Text;
using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Tests;

public sealed class TraceLineReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("giantvm-trace-lines-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text, bool gzip = false)
    {
        var path = Path.Combine(_dir, name);
        using var file = File.Create(path);
        using Stream output = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        output.Write(Encoding.ASCII.GetBytes(text));
        return path;
    }

    private static List<string> ReadAll(TraceLineReader reader)
    {
        var lines = new List<string>();
        while (reader.TryRead(out var chunk))
        {
            lines.AddRange(Encoding.ASCII.GetString(chunk.Data).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            reader.Return(chunk);
        }

        return lines;
    }

    [Theory]
    [InlineData(false, 1 << 20)]
    [InlineData(true, 1 << 20)]
    [InlineData(false, 4096)] // chunks smaller than a line: the line may still span chunks up to the limit
    public void ALineLongerThan64KiB_IsAFormatErrorNamingFileAndLine(bool gzip, int chunkBytes)
    {
        var path = Write(gzip ? "part-00000.csv.gz" : "part-00000.csv", "1,2,3\n4,5,6\n" + new string('x', TraceLineReader.MaxLineBytes + 1) + "\n7,8,9\n", gzip);
        using var reader = new TraceLineReader([path], chunkBytes);

        var error = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Contains($"{path}:3: line longer than 65536 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileWithNoNewlineAtAll_StopsAt64KiB_NotAtTheEndOfTheFile()
    {
        var path = Write("part-00000.csv", new string('y', 8 << 20));
        using var reader = new TraceLineReader([path], 4096);

        var error = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Contains(":1: line longer than", error.Message, StringComparison.Ordinal);
        Assert.True(reader.BytesRead < 1 << 20, $"read {reader.BytesRead} bytes before refusing");
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public void ALineOfExactly64KiB_IsRead_AsAreTheLinesAroundIt(int chunkBytes)
    {
        var longest = new string('z', TraceLineReader.MaxLineBytes);
        var path = Write("part-00000.csv", "a\n" + longest + "\nb");
        using var reader = new TraceLineReader([path], chunkBytes);

        Assert.Equal(["a", longest, "b"], ReadAll(reader));
    }
}
