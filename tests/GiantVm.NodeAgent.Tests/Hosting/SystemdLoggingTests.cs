using GiantVm.Shared;
using Serilog.Events;
using Serilog.Parsing;

namespace GiantVm.NodeAgent.Tests.Hosting;

/// <summary>The console lines under systemd (shared with the coordinator: coordinator/Shared/Systemd.cs).</summary>
public sealed class SystemdLoggingTests
{
    private static LogEvent Event(LogEventLevel level, string text, Exception? exception = null) =>
        new(DateTimeOffset.UnixEpoch, level, exception, new MessageTemplateParser().Parse(text), []);

    [Theory]
    [InlineData(LogEventLevel.Verbose, "<7>")]
    [InlineData(LogEventLevel.Debug, "<7>")]
    [InlineData(LogEventLevel.Information, "<6>")]
    [InlineData(LogEventLevel.Warning, "<4>")]
    [InlineData(LogEventLevel.Error, "<3>")]
    [InlineData(LogEventLevel.Fatal, "<2>")]
    public void JournalLine_StartsWithTheSyslogPriority_AndHasNoTimestamp(LogEventLevel level, string prefix)
    {
        var output = new StringWriter();

        new JournalLineFormatter().Format(Event(level, "Coordinator unreachable"), output);

        Assert.Equal(prefix + "Coordinator unreachable\n", output.ToString());
    }

    [Fact]
    public void JournalLine_AnExceptionsLines_KeepTheEventsPriority()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var output = new StringWriter();
        new JournalLineFormatter().Format(Event(LogEventLevel.Error, "Sample failed", thrown), output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3, output.ToString());
        Assert.Equal("<3>Sample failed", lines[0]);
        Assert.Equal("<3>System.InvalidOperationException: boom", lines[1]);
        Assert.All(lines, l => Assert.StartsWith("<3>", l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("8:1234", null, true)]
    [InlineData(null, "0123abcd", true)]
    [InlineData("", "", false)]
    public void UnderSystemd_IsJournalStreamOrInvocationId(string? journalStream, string? invocationId, bool expected)
    {
        var env = new Dictionary<string, string?> { ["JOURNAL_STREAM"] = journalStream, ["INVOCATION_ID"] = invocationId };

        Assert.Equal(expected, Systemd.UnderSystemd(n => env.GetValueOrDefault(n)));
    }
}
