using System.Globalization;
using System.Runtime.InteropServices;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Persistence;
using GiantVm.Scheduling.Journal;
using JournalRecord = GiantVm.Scheduling.Journal.JournalRecord;
using Grpc.Net.Client;

namespace GiantVm.Coordinator.Tests.Hosting;

/// <summary>
/// Three (or n) real giantvm-coordinator processes forming one Akka cluster on 127.0.0.1 with one
/// shared store (a throwaway PostgreSQL the test starts): fixed free ports per member (so a member
/// restarts on the same address), each with its own data folder for logs. Disposing kills every
/// process still running.
/// </summary>
internal sealed class CoordinatorCluster : IDisposable
{
    private readonly string _folder;
    private readonly string _policyPath;
    private readonly List<(int Grpc, int Metrics, int Akka)> _ports = [];
    private readonly CoordinatorProcess?[] _members;
    private readonly Dictionary<int, GrpcChannel> _channels = [];

    private readonly string _store;
    private readonly MigrationLogDb _log;

    public CoordinatorCluster(string folder, string policyText, string storeUri, int size = 3)
    {
        _folder = folder;
        _store = storeUri;
        _log = new MigrationLogDb(StoreLocation.Parse(storeUri));
        _policyPath = Path.Combine(folder, "policy.yaml");
        File.WriteAllText(_policyPath, policyText);
        for (var i = 0; i < size; i++)
        {
            _ports.Add((FreePort.Fixed(), FreePort.Fixed(), FreePort.Fixed()));
        }

        _members = new CoordinatorProcess?[size];
    }

    public int Size => _members.Length;

    public static string MemberName(int i) => "member-" + i.ToString(CultureInfo.InvariantCulture);

    public string GrpcUrl(int i) => $"http://127.0.0.1:{_ports[i].Grpc.ToString(CultureInfo.InvariantCulture)}";

    public string DataDir(int i) => Path.Combine(_folder, MemberName(i));

    public CoordinatorProcess Member(int i) => _members[i] ?? throw new InvalidOperationException($"{MemberName(i)} is not running");

    public bool IsRunning(int i) => _members[i] is { Process.HasExited: false };

    /// <summary>Starts member <paramref name="i"/>; <paramref name="environment"/> adds settings (GIANTVM_Coordinator__...).</summary>
    public void Start(int i, IReadOnlyDictionary<string, string>? environment = null)
    {
        var seeds = string.Join(",", _ports.Select(p => $"akka.tcp://giantvm@127.0.0.1:{p.Akka.ToString(CultureInfo.InvariantCulture)}"));
        _members[i]?.Dispose();
        _members[i] = CoordinatorProcess.Start(
            ["--policy", _policyPath, "--data-dir", DataDir(i), "--member-name", MemberName(i),
             "--akka-port", _ports[i].Akka.ToString(CultureInfo.InvariantCulture), "--seed-nodes", seeds, "--cluster-size", Size.ToString(CultureInfo.InvariantCulture), "--store", _store],
            new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["GIANTVM_Coordinator__WatchPolicyFile"] = "false" },
            ports: (_ports[i].Grpc, _ports[i].Metrics));
    }

    public async Task StartAllAsync()
    {
        for (var i = 0; i < Size; i++)
        {
            Start(i);
        }

        for (var i = 0; i < Size; i++)
        {
            await Member(i).WaitHealthyAsync(90);
        }
    }

    /// <summary>SIGKILL: no chance to leave the cluster or flush anything.</summary>
    public void Kill(int i)
    {
        var member = Member(i);
        member.Process.Kill(entireProcessTree: true);
        member.Process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM: the member leaves the cluster and exits; waits for the exit.</summary>
    public void Terminate(int i)
    {
        Signal(i, SigTerm);
        Member(i).Process.WaitForExit(30_000);
    }

    /// <summary>SIGSTOP: the process is frozen (its sockets stay open, nothing answers) until <see cref="Continue"/>.</summary>
    public void Stop(int i) => Signal(i, SigStop);

    /// <summary>SIGCONT: a process frozen by <see cref="Stop"/> runs on from where it was.</summary>
    public void Continue(int i) => Signal(i, SigCont);

    public AdminService.AdminServiceClient Admin(int i) => new(Channel(i));

    public AgentService.AgentServiceClient Agents(int i) => new(Channel(i));

    /// <summary>The migration log as the store's read model holds it (what every member lists).</summary>
    public IReadOnlyList<JournalRecord> Journal() => _log.QueryAsync(JournalQuery.All, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The rebalancer's state changes as the store's read model holds them.</summary>
    public IReadOnlyList<StateChangeRow> State() => _log.StateChangesAsync(null, 0, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Every member's recent output, for failure messages.</summary>
    public string Logs() => string.Join("\n", Enumerable.Range(0, Size).Select(i =>
        $"--- {MemberName(i)} ---\n" + string.Join("\n", (_members[i]?.Output ?? "").Split('\n').TakeLast(40))));

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        foreach (var member in _members)
        {
            member?.Dispose();
        }
    }

    private const int SigStop = 19;
    private const int SigCont = 18;
    private const int SigTerm = 15;

    private void Signal(int i, int signal)
    {
        if (Kill(Member(i).Process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({signal}) of {MemberName(i)} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private GrpcChannel Channel(int i)
    {
        if (!_channels.TryGetValue(i, out var channel))
        {
            channel = GrpcChannel.ForAddress(GrpcUrl(i));
            _channels[i] = channel;
        }

        return channel;
    }
}
