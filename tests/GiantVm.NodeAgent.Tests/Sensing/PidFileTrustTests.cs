using GiantVm.Linux.Syscalls;
using GiantVm.NodeAgent.Execution;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Tests.Sensing;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PidFileTrustTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("giantvm-pidfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(0u, 0b110_100_100u, 1000u, null)] // root, 0644
    [InlineData(1000u, 0b110_000_000u, 1000u, null)] // the agent's user, 0600
    [InlineData(1001u, 0b110_100_100u, 1000u, "owned by uid 1001")]
    [InlineData(0u, 0b110_110_100u, 1000u, "mode 0664")]
    [InlineData(0u, 0b110_100_110u, 1000u, "mode 0646")]
    public void Judge_OwnerAndMode(uint owner, uint mode, uint agent, string? problem)
    {
        var verdict = PidFileTrust.Judge("/run/be.pids", owner, mode, agent);

        if (problem is null)
        {
            Assert.Null(verdict);
        }
        else
        {
            Assert.Contains(problem, verdict, StringComparison.Ordinal);
            Assert.Contains("--be-pid-file /run/be.pids", verdict, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_AFileOfOursWritableByOthers_IsDistrusted_UntilChmodGoW()
    {
        var file = Path.Combine(_dir, "be.pids");
        File.WriteAllText(file, "4242\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        Assert.Contains("mode 0606", PidFileTrust.Check(file), StringComparison.Ordinal);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Null(PidFileTrust.Check(file));
    }

    [Fact]
    public void Check_AMissingFile_IsNoObjection() => Assert.Null(PidFileTrust.Check(Path.Combine(_dir, "absent")));

    [Fact]
    public void FileOwner_ReadsOurOwnUid() =>
        Assert.Equal(FileOwner.EffectiveUid(), FileOwner.Of(_dir, out _)?.Uid);

    [Fact]
    public void Classifier_IgnoresAPidFileThatBecameWritableByOthers()
    {
        var file = Path.Combine(_dir, "be.pids");
        File.WriteAllText(file, "4242\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var classifier = new BeClassifier(new BeSelection(null, null, file), null);
        var stat = Execution.FakeTask.Stat();

        Assert.True(classifier.IsBe(stat));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);
        Assert.False(classifier.IsBe(stat));
    }

    [Fact]
    public async Task AgentRun_WithAPidFileOthersMayWrite_RefusesToStart_WithExitCode2AndTheReason()
    {
        var file = Path.Combine(_dir, "be.pids");
        File.WriteAllText(file, "4242\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);
        var stderr = new StringWriter();

        var code = await GiantVm.NodeAgent.Hosting.RunCommand.RunAsync(null, new Dictionary<string, string?>
        {
            ["Agent:Role"] = "guest",
            ["Agent:Coordinator"] = "http://127.0.0.1:1",
            ["Agent:BePidFile"] = file,
            ["Agent:Executor"] = "dry-run",
        }, verbose: false, stderr, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(GiantVm.Common.ExitCodes.Usage, code);
        Assert.Contains($"--be-pid-file {file}: group or others may write it (mode 0602)", stderr.ToString(), StringComparison.Ordinal);
    }
}
