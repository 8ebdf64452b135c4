using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GiantVm.Coordinator.Tests.Hosting;

/// <summary>The real giantvm-coordinator as a child process on loopback ports.</summary>
internal sealed class CoordinatorProcess : IDisposable
{
    private readonly StringBuilder _output = new();

    private CoordinatorProcess(Process process, int grpcPort, int metricsPort)
    {
        Process = process;
        GrpcPort = grpcPort;
        MetricsPort = metricsPort;
    }

    public Process Process { get; }

    public int GrpcPort { get; }

    public int MetricsPort { get; }

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

    public static CoordinatorProcess Start(
        IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, bool withPorts = true, (int Grpc, int Metrics)? ports = null)
    {
        var (grpcPort, metricsPort) = ports ?? (FreePort.Next(), FreePort.Next());
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "giantvm-coordinator.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (withPorts)
        {
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{grpcPort}");
            start.ArgumentList.Add("--metrics-url");
            start.ArgumentList.Add($"http://127.0.0.1:{metricsPort}");
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var coordinator = new CoordinatorProcess(process, grpcPort, metricsPort);
        process.OutputDataReceived += (_, e) => coordinator.Append(e.Data);
        process.ErrorDataReceived += (_, e) => coordinator.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return coordinator;
    }

    /// <summary>Runs to exit (for usage errors); returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        await Process.WaitForExitAsync(cts.Token);
        return Process.ExitCode;
    }

    /// <summary>Waits until /healthz answers Healthy over HTTP/1.1.</summary>
    public async Task WaitHealthyAsync(double timeoutSeconds = 60)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            Assert.False(Process.HasExited, "the coordinator exited: " + Output);
            try
            {
                if (await http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/healthz", TestContext.Current.CancellationToken) == "Healthy")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(DateTime.UtcNow < deadline, $"not healthy within {timeoutSeconds} s: " + Output);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
        }

        Process.Dispose();
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
        }
    }
}
