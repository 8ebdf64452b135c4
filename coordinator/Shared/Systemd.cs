using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace GiantVm.Shared;

/// <summary>
/// The agent's and the coordinator's life under systemd: <c>Type=notify</c> readiness
/// (<see cref="AddGiantVmSystemd"/>) and console lines the journal files under the right
/// priority (<see cref="GiantVmConsole"/>), so <c>journalctl -p warning -u 'giantvm-*'</c> works.
/// </summary>
/// <remarks>
/// A source file compiled into both hosts (linked from their csproj files), like
/// <c>JournalProtoNames</c>: the two share no project that may carry Serilog and the hosting packages.
/// </remarks>
internal static class Systemd
{
    /// <summary>The socket systemd listens on for sd_notify messages (set for Type=notify units).</summary>
    public const string NotifySocket = "NOTIFY_SOCKET";

    /// <summary>
    /// systemd's sd_notify through Microsoft.Extensions.Hosting.Systemd: READY=1 once the host has
    /// started (the coordinator listening, the agent's services running), STOPPING=1 on the way
    /// out, SIGTERM as a graceful stop. <c>AddSystemd</c> switches itself on when the parent process
    /// is systemd; a unit whose ExecStart goes through a wrapper (sudo, a shell) has another parent
    /// but still its <c>$NOTIFY_SOCKET</c>, which is what sd_notify itself looks at: the lifetime is
    /// used then too, or the unit would never leave "activating".
    /// </summary>
    public static IServiceCollection AddGiantVmSystemd(this IServiceCollection services, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(environment(NotifySocket)))
        {
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        return services;
    }

    /// <summary>
    /// True when systemd runs this process with its output going to the journal: <c>$JOURNAL_STREAM</c>
    /// (set when stdout or stderr is the journal) or <c>$INVOCATION_ID</c> (set for every unit).
    /// </summary>
    public static bool UnderSystemd(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrEmpty(environment("JOURNAL_STREAM")) || !string.IsNullOrEmpty(environment("INVOCATION_ID"));
    }

    /// <summary>
    /// The console sink: under systemd every line starts with its syslog priority (<c>&lt;4&gt;</c>
    /// for a warning) and carries no timestamp (the journal stamps each line); elsewhere the usual
    /// <c>[13:47:49 INF] message</c>.
    /// </summary>
    public static LoggerConfiguration GiantVmConsole(this LoggerSinkConfiguration writeTo, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        return UnderSystemd(environment)
            ? writeTo.Console(new JournalLineFormatter())
            : writeTo.Console(formatProvider: CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <paramref name="text"/> as journal lines: each line (an exception's too) starts with
    /// <c>&lt;priority&gt;</c>, so the journal keeps them all at the event's priority (a line
    /// without one would be filed as info).
    /// </summary>
    public static void WriteJournalLines(TextWriter output, int priority, string text)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(text);
        var prefix = "<" + priority.ToString(CultureInfo.InvariantCulture) + ">";
        foreach (var line in text.TrimEnd('\n', '\r').Split('\n'))
        {
            output.Write(prefix);
            output.Write(line.TrimEnd('\r'));
            output.Write('\n');
        }
    }

    /// <summary>sd-daemon(3)'s priority prefixes: 7 debug, 6 info, 4 warning, 3 err, 2 crit.</summary>
    public static int Priority(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => 7,
        LogEventLevel.Information => 6,
        LogEventLevel.Warning => 4,
        LogEventLevel.Error => 3,
        _ => 2,
    };
}

/// <summary>One Serilog event as journal lines (<see cref="Systemd.WriteJournalLines"/>): the message, then the exception.</summary>
internal sealed class JournalLineFormatter : ITextFormatter
{
    private readonly MessageTemplateTextFormatter _inner = new("{Message:lj}{NewLine}{Exception}", CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        _inner.Format(logEvent, text);
        Systemd.WriteJournalLines(output, Systemd.Priority(logEvent.Level), text.ToString());
    }
}
