using GiantVm.Coordinator.Journal;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Coordinator.Tests.Journal;

public sealed class FileMigrationJournalTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "giantvm-journal-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Append_IsOnDiskAsOneLinePerRecord()
    {
        using var journal = new FileMigrationJournal(_folder, 1 << 20, 4, TimeProvider.System);

        journal.Append(JournalJsonTests.Decision("m-1"));
        journal.Append(JournalJsonTests.Decision("m-2"));

        var lines = File.ReadAllLines(Path.Combine(_folder, "migrations.jsonl"));
        Assert.Equal(2, lines.Length);
        Assert.Equal("m-2", JournalJson.Parse(lines[1], "f", 2).MigrationId);
    }

    [Fact]
    public void Append_PastTheSizeLimit_RotatesAndKeepsTheNewestFiles()
    {
        using var journal = new FileMigrationJournal(_folder, 1024, 3, TimeProvider.System);

        for (var i = 0; i < 40; i++)
        {
            journal.Append(JournalJsonTests.Decision($"m-{i:00}"));
        }

        var files = Directory.GetFiles(_folder).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["migrations.1.jsonl", "migrations.2.jsonl", "migrations.jsonl"], files);
        Assert.All(Directory.GetFiles(_folder), f => Assert.True(new FileInfo(f).Length <= 1024));
        var kept = journal.ReadAll().Select(r => r.MigrationId).ToList();
        Assert.Equal("m-39", kept[^1]);
        Assert.Equal(kept.Order().ToList(), kept);
        Assert.True(kept.Count < 40);
    }

    [Fact]
    public void ReadAll_OfANewJournal_IsEmpty()
    {
        using var journal = new FileMigrationJournal(_folder, 1024, 3, TimeProvider.System);

        Assert.Empty(journal.ReadAll());
    }
}
