using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace GiantVm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One of the project's binaries run as a real process (<c>dotnet X.dll args</c>), its output
/// kept in memory and in a log file. Disposing kills it (and its children) if still running.
/// </summary>
internal sealed class ManagedProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StreamWriter _log;

    private ManagedProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (the process must have exited).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>When the process was seen to exit (null while it runs).</summary>
    public DateTimeOffset? ExitedAt { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet DLL ARGS</c>; in network namespace <paramref name="netns"/> when given (<c>ip netns exec</c>, which execs, so the pid is dotnet's).</summary>
    public static ManagedProcess Start(string name, string dll, IEnumerable<string> args, string logFile, string? netns = null)
    {
        var info = new ProcessStartInfo(netns is null ? "dotnet" : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (netns is not null)
        {
            foreach (var a in new[] { "netns", "exec", netns, "dotnet" })
            {
                info.ArgumentList.Add(a);
            }
        }

        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(name, process, log);
        process.Exited += (_, _) => managed.ExitedAt = DateTimeOffset.UtcNow;
        process.OutputDataReceived += (_, e) => managed.Append(e.Data);
        process.ErrorDataReceived += (_, e) => managed.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>SIGKILL, no chance to clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, then waits for the exit (SIGKILL after the timeout).</summary>
    public void Terminate(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = SendSignal(_process.Id, 15);
        if (!_process.WaitForExit(timeout))
        {
            Kill();
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // never started
        }

        _process.Dispose();
        lock (_output)
        {
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // output after dispose
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
