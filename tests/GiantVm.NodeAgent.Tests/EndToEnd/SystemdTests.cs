using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace GiantVm.NodeAgent.Tests.EndToEnd;

/// <summary>
/// The agent and coordinator binaries as a <c>Type=notify</c> unit sees them: systemd's
/// <c>$NOTIFY_SOCKET</c> is a unix datagram socket this test listens on; READY=1 must come once
/// the process is up (the coordinator listening), STOPPING=1 on SIGTERM; with <c>$JOURNAL_STREAM</c>
/// every console line starts with its syslog priority and carries no timestamp. scripts/test.sh
/// runs this class again against the NativeAOT agent (<c>GIANTVM_TEST_AGENT</c>).
/// </summary>
[Trait("Category", "e2e")]
[Collection(RealProcesses.Name)]
public sealed partial class SystemdTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("giantvm-systemd-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Agent_NotifiesReadyAndStopping_AndLogsWithPriorityPrefixes()
    {
        using var notify = NotifySocket.Bind(Path.Combine(_dir, "notify.sock"));
        var sys = OneNodeSysTree();
        using var agent = Unit.Start(AgentBinary.Path, notify.Path,
            "run", "--role", "guest", "--coordinator", "http://127.0.0.1:1", "--be-comm", "^no-such-task$", "--sys-root", sys, "--interval", "200ms");

        var ready = await notify.ReceiveAsync("READY=1", TimeSpan.FromSeconds(60), agent.Output);
        // the coordinator is unreachable: the agent says so as a warning
        await agent.WaitForLineAsync(l => l.StartsWith("<4>", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        agent.Terminate();
        var stopping = await notify.ReceiveAsync("STOPPING=1", TimeSpan.FromSeconds(30), agent.Output);
        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("READY=1", ready, StringComparison.Ordinal);
        Assert.Contains("STOPPING=1", stopping, StringComparison.Ordinal);
        Assert.Equal(0, code);
        AssertJournalLines(agent.Lines);
    }

    [Fact]
    public async Task Coordinator_NotifiesReadyOnceListening_AndLogsWithPriorityPrefixes()
    {
        using var notify = NotifySocket.Bind(Path.Combine(_dir, "notify.sock"));
        var (port, metrics) = (FreePort.Next(), FreePort.Next());
        using var coordinator = Unit.Start(AgentBinary.Coordinator, notify.Path,
            "--policy", "none", "--urls", $"http://127.0.0.1:{port}", "--metrics-url", $"http://127.0.0.1:{metrics}", "--data-dir", Path.Combine(_dir, "data"));

        await notify.ReceiveAsync("READY=1", TimeSpan.FromSeconds(90), coordinator.Output);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", port, Ct); // listening when READY=1 came
        }

        coordinator.Terminate();
        await notify.ReceiveAsync("STOPPING=1", TimeSpan.FromSeconds(30), coordinator.Output);
        await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(60));

        AssertJournalLines(coordinator.Lines);
        Assert.Contains($"<6>Now listening on: http://127.0.0.1:{port}", coordinator.Lines);
    }

    /// <summary>Every stdout line has a priority prefix and no time of day.</summary>
    private static void AssertJournalLines(IReadOnlyList<string> lines)
    {
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(Prefix(), l));
        Assert.DoesNotContain(lines, l => TimeOfDay().IsMatch(l[3..Math.Min(l.Length, 20)]));
    }

    [GeneratedRegex(@"^<[0-7]>")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"\d\d:\d\d:\d\d")]
    private static partial Regex TimeOfDay();

    /// <summary>A sys tree with one NUMA node holding CPU 0.</summary>
    private string OneNodeSysTree()
    {
        var nodes = Path.Combine(_dir, "sys", "devices", "system", "node");
        var dir = Directory.CreateDirectory(Path.Combine(nodes, "node0")).FullName;
        File.WriteAllText(Path.Combine(dir, "cpulist"), "0\n");
        File.Copy("/sys/devices/system/node/node0/meminfo", Path.Combine(dir, "meminfo"));
        File.WriteAllText(Path.Combine(nodes, "online"), "0\n");
        File.WriteAllText(Path.Combine(nodes, "has_cpu"), "0\n");
        return Path.Combine(_dir, "sys");
    }

    /// <summary>The datagram socket systemd would listen on; each receive is one sd_notify message.</summary>
    private sealed class NotifySocket : IDisposable
    {
        private readonly Socket _socket;

        private NotifySocket(string path, Socket socket) => (Path, _socket) = (path, socket);

        public string Path { get; }

        public static NotifySocket Bind(string path)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(path));
            return new NotifySocket(path, socket);
        }

        /// <summary>Messages until one holds <paramref name="expected"/>; fails after <paramref name="timeout"/> with the process's output.</summary>
        public async Task<string> ReceiveAsync(string expected, TimeSpan timeout, Func<string> diagnostics)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cts.CancelAfter(timeout);
            var buffer = new byte[4096];
            var seen = new List<string>();
            try
            {
                while (true)
                {
                    var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                    var message = Encoding.UTF8.GetString(buffer, 0, n);
                    seen.Add(message);
                    if (message.Split('\n').Contains(expected))
                    {
                        return message;
                    }
                }
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"no {expected} on $NOTIFY_SOCKET within {timeout} (got: {string.Join(" | ", seen)})\n--- output:\n{diagnostics()}");
                throw;
            }
        }

        public void Dispose()
        {
            _socket.Dispose();
            File.Delete(Path);
        }
    }

    /// <summary>A process started as a Type=notify unit would be: $NOTIFY_SOCKET, $JOURNAL_STREAM, $INVOCATION_ID.</summary>
    private sealed class Unit : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _stdout = new();
        private readonly ConcurrentQueue<string> _stderr = new();

        private Unit(Process process) => _process = process;

        public IReadOnlyList<string> Lines => [.. _stdout];

        public static Unit Start(string file, string notifySocket, params string[] args)
        {
            var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            start.Environment["NOTIFY_SOCKET"] = notifySocket;
            start.Environment["JOURNAL_STREAM"] = "8:12345";
            start.Environment["INVOCATION_ID"] = Guid.NewGuid().ToString("N");
            var unit = new Unit(new Process { StartInfo = start });
            unit._process.OutputDataReceived += (_, e) => { if (e.Data is not null) unit._stdout.Enqueue(e.Data); };
            unit._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) unit._stderr.Enqueue(e.Data); };
            unit._process.Start();
            unit._process.BeginOutputReadLine();
            unit._process.BeginErrorReadLine();
            return unit;
        }

        public string Output() => $"stdout:\n{string.Join('\n', _stdout)}\nstderr:\n{string.Join('\n', _stderr)}";

        public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!_stdout.Any(match))
            {
                Assert.True(clock.Elapsed < timeout, $"no such line within {timeout}\n{Output()}");
                Assert.False(_process.HasExited, $"exited with {(_process.HasExited ? _process.ExitCode : 0)}\n{Output()}");
                await Task.Delay(100, Ct);
            }
        }

        /// <summary>SIGTERM, as systemctl stop sends.</summary>
        public void Terminate()
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cts.CancelAfter(timeout);
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit(); // the output events have all run
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }
    }
}
