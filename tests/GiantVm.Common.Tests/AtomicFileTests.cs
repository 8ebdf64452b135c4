using GiantVm.Common;

namespace GiantVm.Common.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("giantvm-atomic-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void WriteAllText_ReplacesTheFile_AndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_dir.FullName, "status.json");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllText(path, "new ü");

        Assert.Equal("new ü"u8.ToArray(), File.ReadAllBytes(path)); // UTF-8, no byte order mark
        Assert.Equal(["status.json"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void WriteAllText_WhenTheFolderIsMissing_Throws() =>
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(Path.Combine(_dir.FullName, "gone", "x"), "x"));
}
