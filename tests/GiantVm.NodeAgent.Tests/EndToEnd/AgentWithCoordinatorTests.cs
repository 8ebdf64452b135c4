using System.Net;
using System.Net.Sockets;
using GiantVm.Contracts.V1;
using GiantVm.Linux;
using GiantVm.Linux.Syscalls;
using GiantVm.NodeAgent.Tests.Execution;
using Grpc.Core;
using GiantVm.Security;
using Grpc.Net.Client;

namespace GiantVm.NodeAgent.Tests.EndToEnd;

/// <summary>
/// The real giantvm-agent process against the real giantvm-coordinator process on loopback:
/// hello and reports (the coordinator lists the BE task), a move command executed for real on
/// a child process, the result journaled; the coordinator killed and restarted, the agent back.
/// </summary>
[Trait("Category", "e2e")]
[Collection(RealProcesses.Name)]
public sealed class AgentWithCoordinatorTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("giantvm-e2e-agent-").FullName;
    private readonly List<IDisposable> _processes = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var p in Enumerable.Reverse(_processes))
        {
            p.Dispose();
        }

        Directory.Delete(_data, recursive: true);
    }

    /// <summary>A sys tree with two NUMA nodes, one per CPU of this machine (node 1 exists only here).</summary>
    private string TwoNodeSysTree()
    {
        var root = Path.Combine(_data, "sys");
        var nodes = Path.Combine(root, "devices", "system", "node");
        var meminfo = File.ReadAllText("/sys/devices/system/node/node0/meminfo");
        for (var n = 0; n < 2; n++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(nodes, "node" + n)).FullName;
            File.WriteAllText(Path.Combine(dir, "cpulist"), n + "\n");
            File.WriteAllText(Path.Combine(dir, "meminfo"), meminfo.Replace("Node 0 ", "Node " + n + " ", StringComparison.Ordinal));
        }

        File.WriteAllText(Path.Combine(nodes, "online"), "0-1\n");
        File.WriteAllText(Path.Combine(nodes, "has_cpu"), "0-1\n");
        return root;
    }

    private RealProcess Coordinator(int port, int metrics)
    {
        var p = new RealProcess(AgentBinary.Coordinator, "--policy", "none", "--urls", $"http://127.0.0.1:{port}",
            "--metrics-url", $"http://127.0.0.1:{metrics}", "--data-dir", _data);
        _processes.Add(p);
        return p;
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, Func<string> diagnostics, int seconds = 60)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (RpcException)
            {
                // not up yet
            }

            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting for {what}\n{diagnostics()}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Agent_ReportsExecutesAMoveAndReconnectsAfterTheCoordinatorRestarts()
    {
        var (port, metrics) = (FreePort.Next(), FreePort.Next());
        var coordinator = Coordinator(port, metrics);
        var be = RealBeProcess.Start(cpus: "0");
        _processes.Add(be);
        var sys = TwoNodeSysTree();
        var agent = new RealProcess(AgentBinary.Path, "run", "--role", "guest", "--coordinator", $"http://127.0.0.1:{port}",
            "--be-comm", $"^{be.Name}$", "--interval", "500ms", "--sys-root", sys, "--log-level", "Debug");
        _processes.Add(agent);
        string Logs() => $"--- coordinator:\n{coordinator.Output}\n--- agent:\n{agent.Output}";

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var admin = new AdminService.AdminServiceClient(channel);

        // hello + reports: the coordinator knows the BE task
        var task = await EventuallyAsync(
            async () => (await admin.ListTasksAsync(new TasksRequest(), cancellationToken: Ct)).Tasks.FirstOrDefault(t => t.Pid == be.Pid),
            "the coordinator to list the BE task", Logs);
        Assert.Equal(be.Stat.StartTime, task.StartTimeTicks);

        Assert.Equal(0u, task.NodeId);

        // command + result: an operator's move to node 1, executed for real by the numactl backend.
        // This machine has one real node: the CPUs move (node 1 = CPU 1 in the agent's sys tree), the
        // pages cannot (the kernel has no node 1), so the honest result is partial with migratepages' error.
        var move = await admin.MoveAsync(new MoveRequest { Pid = be.Pid, ToNode = 1, Wait = true, TimeoutSeconds = 30 }, cancellationToken: Ct);
        Assert.False(move.TimedOut, Logs());
        Assert.Equal(MigrationStatus.Partial, move.Result.Status);
        Assert.Contains("migratepages", move.Result.Error);
        Assert.True(move.Result.PagesLeft > 0, Logs());
        Assert.Equal([1], SchedAffinity.Get(be.Pid).Cpus);

        // the coordinator dies and comes back on the same port: the agent reconnects and reports again
        coordinator.Kill();
        coordinator = Coordinator(port, metrics);
        await EventuallyAsync(
            async () => (await admin.ListTasksAsync(new TasksRequest(), cancellationToken: Ct)).Tasks.FirstOrDefault(t => t.Pid == be.Pid),
            "the restarted coordinator to list the BE task again", Logs);
        Assert.False(agent.HasExited, Logs());
    }

    /// <summary>
    /// The agent as shipped (NativeAOT in the test script's AOT phase) over mutual TLS: its
    /// guest certificate is accepted, it verifies the coordinator's, and its reports arrive.
    /// </summary>
    [Fact]
    public async Task Agent_OverMutualTls_SaysHelloWithItsCertificate_AndItsReportsArrive()
    {
        using var certs = TestCertificates.Issue("--vm", "giantvm", "--hosts", "1", "--members", "m1", "--operators", "ops");
        var (port, metrics) = (FreePort.Next(), FreePort.Next());
        var coordinator = new RealProcess(AgentBinary.Coordinator, ["--policy", "none", "--urls", $"https://127.0.0.1:{port}",
            "--metrics-url", $"http://127.0.0.1:{metrics}", "--data-dir", _data, "--member-name", "m1", .. certs.ServerArgs("coordinator-m1")]);
        _processes.Add(coordinator);
        var be = RealBeProcess.Start(cpus: "0");
        _processes.Add(be);
        var (cert, key) = certs.Of("guest-giantvm");
        var agent = new RealProcess(AgentBinary.Path, "run", "--role", "guest", "--coordinator", $"https://127.0.0.1:{port}",
            "--be-comm", $"^{be.Name}$", "--interval", "500ms", "--sys-root", TwoNodeSysTree(),
            "--tls-cert", cert, "--tls-key", key, "--tls-ca", certs.Ca);
        _processes.Add(agent);
        string Logs() => $"--- coordinator:\n{coordinator.Output}\n--- agent:\n{agent.Output}";

        var (opsCert, opsKey) = certs.Of("operator-ops");
        using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler().Use(new GiantVm.Security.TlsMaterial(opsCert, opsKey, certs.Ca)),
        });
        var admin = new AdminService.AdminServiceClient(channel);

        var task = await EventuallyAsync(
            async () => (await admin.ListTasksAsync(new TasksRequest(), cancellationToken: Ct)).Tasks.FirstOrDefault(t => t.Pid == be.Pid),
            "the coordinator to list the BE task the TLS agent reports", Logs);
        Assert.Equal(be.Stat.StartTime, task.StartTimeTicks);
        var status = await admin.GetStatusAsync(new StatusRequest(), cancellationToken: Ct);
        Assert.Contains(status.Agents, a => a.Role == AgentRole.Guest && a.Vm == "giantvm");
        Assert.False(agent.HasExited, Logs());
    }
}
