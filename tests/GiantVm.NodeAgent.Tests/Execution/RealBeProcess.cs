using System.Diagnostics;
using GiantVm.Linux;

namespace GiantVm.NodeAgent.Tests.Execution;

/// <summary>
/// A real child process: a copy of <c>sleep</c> under a recognizable name, started with
/// <c>taskset -c CPUS</c>. Waits until taskset has exec'd it; kills it on dispose.
/// </summary>
internal sealed class RealBeProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private bool _disposed;

    private RealBeProcess(Process process, string dir, string name)
    {
        _process = process;
        _dir = dir;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public PidStat Stat => new ProcFs().TryReadPidStat(Pid) ?? throw new InvalidOperationException($"process {Pid} is gone");

    public static RealBeProcess Start(string cpus = "1", string seconds = "300")
    {
        var name = "gvmbe" + Guid.NewGuid().ToString("N")[..8];
        var dir = Directory.CreateTempSubdirectory("giantvm-be-").FullName;
        var copy = Path.Combine(dir, name);
        File.Copy("/bin/sleep", copy);
        var start = new ProcessStartInfo("taskset") { UseShellExecute = false };
        foreach (var a in new[] { "-c", cpus, copy, seconds })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        var be = new RealBeProcess(process, dir, name);
        var proc = new ProcFs();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (proc.TryReadPidStat(process.Id)?.Comm != name)
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                be.Dispose();
                throw new InvalidOperationException($"taskset did not exec {copy} within 10 s");
            }

            Thread.Sleep(10);
        }

        return be;
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
