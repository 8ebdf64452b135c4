using System.Text.Json;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Ctl.Tests.Live;

/// <summary><c>migrations --file</c>: journal files read offline, a single file or a folder of rotated ones.</summary>
public sealed class MigrationsFileTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static JournalRecord Decision(int n, int pid, int from, int to) => new()
    {
        Id = $"d{n}", Kind = JournalKinds.Decision, MigrationId = $"m{n}", CommandId = $"c{n}", Time = T0.AddMinutes(n),
        Trigger = MigrationTriggers.Auto, Pid = pid, Comm = "be", From = from, To = to, Reason = $"reason {n}", Status = MigrationStatuses.Pending,
    };

    private static JournalRecord Result(int n, int pid, int from, int to, string status) => Decision(n, pid, from, to) with
    {
        Id = $"r{n}", Kind = JournalKinds.Result, Time = T0.AddMinutes(n).AddSeconds(1), Reason = null, Status = status, PagesMoved = 10, PagesLeft = 0, DurationMs = 5,
    };

    /// <summary>Oldest in migrations.2.jsonl, then .1, then the current file.</summary>
    private string RotatedFolder()
    {
        _dir.File("migrations.2.jsonl", JournalJson.WriteLines([Decision(1, 100, 0, 1), Result(1, 100, 0, 1, MigrationStatuses.Done)]));
        _dir.File("migrations.1.jsonl", JournalJson.WriteLines([Decision(2, 200, 1, 2), Result(2, 200, 1, 2, MigrationStatuses.Failed)]));
        _dir.File("migrations.jsonl", JournalJson.WriteLines([Decision(3, 100, 1, 0)]) + "{\"id\":\"torn");
        _dir.File("notes.txt", "not a journal");
        return _dir.Path;
    }

    [Fact]
    public void Folder_ReadsRotatedFilesOldestFirst_AndIgnoresATornLastLine()
    {
        var run = CtlRun.Of("migrations", "--file", RotatedFolder(), "-o", "jsonl");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Equal(["d1", "r1", "d2", "r2", "d3"], JournalJson.ReadLines(run.Out, "stdout").Select(r => r.Id));
    }

    [Fact]
    public void Folder_FiltersByNodePidStatusSinceAndLimit()
    {
        var folder = RotatedFolder();

        Assert.Equal(["d2", "r2"], Ids(CtlRun.Of("migrations", "--file", folder, "--node", "2", "-o", "jsonl")));
        Assert.Equal(["d1", "r1", "d3"], Ids(CtlRun.Of("migrations", "--file", folder, "--pid", "100", "-o", "jsonl")));
        Assert.Equal(["r1", "r2"], Ids(CtlRun.Of("migrations", "--file", folder, "--status", "done,failed", "-o", "jsonl")));
        Assert.Equal(["d2", "r2", "d3"], Ids(CtlRun.Of("migrations", "--file", folder, "--since", "2026-11-25T12:02:00Z", "-o", "jsonl")));
        Assert.Equal(["r2", "d3"], Ids(CtlRun.Of("migrations", "--file", folder, "--limit", "2", "-o", "jsonl")));
    }

    [Fact]
    public void Table_FitsEightyColumns_AndJsonIsAnArrayOfJournalRecords()
    {
        var folder = RotatedFolder();

        var table = CtlRun.Of("migrations", "--file", folder);
        var json = CtlRun.Of("migrations", "--file", folder, "-o", "json");

        Assert.Equal(
            """
            TIME            PID  COMM  FROM  TO  TRIGGER  STATUS   DETAIL
            11-25 12:01:00  100  be    0     1   auto     pending  reason 1
            11-25 12:01:01  100  be    0     1   auto     done     10 pages moved in 5 ms
            11-25 12:02:00  200  be    1     2   auto     pending  reason 2
            11-25 12:02:01  200  be    1     2   auto     failed   10 pages moved in 5 ms
            11-25 12:03:00  100  be    1     0   auto     pending  reason 3

            """, table.Out.ReplaceLineEndings("\n"));
        using var doc = JsonDocument.Parse(json.Out);
        var first = doc.RootElement.EnumerateArray().First();
        Assert.Equal(["id", "kind", "migrationId", "commandId", "time", "vm", "trigger", "dryRun", "pid", "startTime", "comm", "from", "to", "reason",
            "status", "pagesMoved", "pagesLeft", "durationMs", "error", "member"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(5, doc.RootElement.GetArrayLength());
    }

    [Fact]
    public void OneFile_IsReadAlone()
    {
        RotatedFolder();

        var run = CtlRun.Of("migrations", "--file", Path.Combine(_dir.Path, "migrations.1.jsonl"), "-o", "jsonl");

        Assert.Equal(["d2", "r2"], Ids(run));
    }

    [Fact]
    public void MalformedLine_IsExit2NamingFileAndLine()
    {
        var path = _dir.File("migrations.jsonl", "{\"id\":\"x\",\"kind\":\"oops\",\"migrationId\":\"m\",\"time\":\"2026-11-25T12:00:00Z\",\"status\":\"done\"}\n\n");

        var run = CtlRun.Of("migrations", "--file", path);

        Assert.Equal((2, ""), (run.ExitCode, run.Out));
        Assert.Equal($"giantvmctl: {path}:1: kind must be decision or result (got 'oops')\n", run.Error);
    }

    [Fact]
    public void FolderWithoutJournals_MissingFile_FollowWithFile_AndBadStatus_AreExit2()
    {
        var empty = CtlRun.Of("migrations", "--file", _dir.Path);
        var missing = CtlRun.Of("migrations", "--file", Path.Combine(_dir.Path, "nope.jsonl"));
        var follow = CtlRun.Of("migrations", "--file", _dir.Path, "--follow");
        var status = CtlRun.Of("migrations", "--file", _dir.Path, "--status", "ok");

        Assert.Equal((2, $"giantvmctl: {_dir.Path}: no journal files (migrations.jsonl, migrations.N.jsonl) in this folder\n"), (empty.ExitCode, empty.Error));
        Assert.Equal((2, $"giantvmctl: cannot read journal file {Path.Combine(_dir.Path, "nope.jsonl")}: no such file\n"), (missing.ExitCode, missing.Error));
        Assert.Equal((2, "giantvmctl: --follow reads from the coordinator; it cannot be used with --file\n"), (follow.ExitCode, follow.Error));
        Assert.Equal(2, status.ExitCode);
    }

    private static IEnumerable<string> Ids(CtlRun run)
    {
        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        return JournalJson.ReadLines(run.Out, "stdout").Select(r => r.Id);
    }
}
