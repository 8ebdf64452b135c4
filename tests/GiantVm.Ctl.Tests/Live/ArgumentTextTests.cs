using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Tests.Live;

public sealed class ArgumentTextTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1.5m", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("250ms", 0.25)]
    [InlineData("45", 45)]
    public void Duration_AcceptsUnitsAndBareSeconds(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ArgumentText.Duration(text, "--timeout"));

    [Theory]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("h")]
    [InlineData("0")]
    [InlineData("-5s")]
    public void Duration_WhenMalformed_IsAnInputErrorNamingTheOption(string text)
    {
        var e = Assert.Throws<CtlException>(() => ArgumentText.Duration(text, "--timeout"));

        Assert.Equal((ExitCodes.Usage, $"--timeout: '{text}' is not a duration (examples: 30s, 5m, 1h, 1h30m)"), (e.ExitCode, e.Message));
    }

    [Theory]
    [InlineData("4G", 4L << 30)]
    [InlineData("512M", 512L << 20)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("1.5k", 1536)]
    [InlineData("1048576", 1048576)]
    public void Bytes_AcceptsBinaryUnits(string text, long bytes) => Assert.Equal(bytes, ArgumentText.Bytes(text, "--memory"));

    [Theory]
    [InlineData("4X")]
    [InlineData("G")]
    [InlineData("")]
    public void Bytes_WhenMalformed_IsAnInputError(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CtlException>(() => ArgumentText.Bytes(text, "--memory")).ExitCode);

    [Fact]
    public void Since_ADurationCountsBackFromNow_ATimeIsTakenAsUtc()
    {
        var now = new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.Zero);

        Assert.Equal(now.AddHours(-1), ArgumentText.Since("1h", now));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero), ArgumentText.Since("2026-11-25 13:00", now));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.FromHours(1)), ArgumentText.Since("2026-11-25T13:00:00+01:00", now));
        Assert.Equal("--since: 'yesterday' is neither a duration (1h, 30m) nor a time (2026-11-25T13:00:00Z)",
            Assert.Throws<CtlException>(() => ArgumentText.Since("yesterday", now)).Message);
    }

    [Fact]
    public void Statuses_AreRepeatableOrCommaSeparated_AndAnUnknownOneIsAnInputError()
    {
        Assert.Equal(["done", "failed", "dry-run"], ArgumentText.Statuses(["done,FAILED", "dry-run", "done"]));
        var e = Assert.Throws<CtlException>(() => ArgumentText.Statuses(["ok"]));
        Assert.Equal((ExitCodes.Usage, "--status: unknown status 'ok' (one of pending, done, partial, refused, vanished, failed, timeout, dry-run)"), (e.ExitCode, e.Message));
    }

    [Fact]
    public void Addresses_OptionBeatsEnvironmentBeatsDefault_AndBareHostPortMeansHttp()
    {
        Func<string, string?> env = name => name == "GIANTVM_COORDINATOR" ? "10.0.0.1:5000,10.0.0.2:5000" : null;

        Assert.Equal(["http://a:1/", "https://b:2/"], CoordinatorAddresses.Resolve("a:1, https://b:2", env).Select(u => u.ToString()));
        Assert.Equal(["http://10.0.0.1:5000/", "http://10.0.0.2:5000/"], CoordinatorAddresses.Resolve(null, env).Select(u => u.ToString()));
        Assert.Equal(["http://127.0.0.1:5000/"], CoordinatorAddresses.Resolve(null, _ => null).Select(u => u.ToString()));
    }

    [Theory]
    [InlineData("ftp://x:1")]
    [InlineData(",")]
    [InlineData("http://")]
    public void Addresses_WhenMalformed_AreAnInputError(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CtlException>(() => CoordinatorAddresses.Resolve(text, _ => null)).ExitCode);
}
