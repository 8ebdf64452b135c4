using Akka.Event;
using LogLevel = Akka.Event.LogLevel;
using GiantVm.Shared;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// Akka's logger for the moments before the Serilog pipeline runs (start-up, shutdown), under
/// systemd: the same journal lines as the console sink (a priority prefix, no timestamp) instead
/// of Akka's <c>[WARNING][date][thread]</c> lines (<c>akka.stdout-logger-class</c>).
/// </summary>
internal sealed class JournalStdoutLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is LogEvent e)
        {
            var priority = e.LogLevel() switch
            {
                LogLevel.DebugLevel => 7,
                LogLevel.InfoLevel => 6,
                LogLevel.WarningLevel => 4,
                _ => 3,
            };
            Systemd.WriteJournalLines(Console.Out, priority, $"[{e.LogSource}] {e.Message}{(e.Cause is null ? "" : "\n" + e.Cause)}");
        }
        else
        {
            Systemd.WriteJournalLines(Console.Out, 6, message?.ToString() ?? "");
        }
    }
}
