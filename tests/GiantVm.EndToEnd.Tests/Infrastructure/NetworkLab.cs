using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GiantVm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A private network for a partition test, made of Linux network namespaces that this test run
/// creates and deletes (the host's own namespace, interfaces, routes and firewall are not
/// touched): a hub namespace with a bridge (10.77.0.1/24), and one namespace per coordinator
/// member joined to the bridge by a veth pair (member i at 10.77.0.(10+i)). The emulator, the
/// agents and giantvmctl run in the hub; the test's own gRPC and HTTP clients open their sockets
/// in the hub (<see cref="ConnectAsync"/>). Partitions are nftables rules on the hub's bridge
/// (family bridge, hook forward): they drop member-to-member packets only, so the agents and
/// the test reach every member throughout. Names carry this process's id and a random suffix;
/// disposing deletes the namespaces, and with them every interface and rule, whatever the outcome.
/// Needs root, <c>ip</c> (iproute2) and <c>nft</c> (nftables): scripts/deps.sh installs them.
/// </summary>
internal sealed class NetworkLab : IDisposable
{
    private const string Prefix = "gvp";
    private const int CloneNewNet = 0x40000000;
    private static readonly object SetnsGate = new();
    private readonly List<string> _namespaces = [];
    private readonly List<string> _log = [];

    private NetworkLab(string id, int members)
    {
        Id = id;
        Members = members;
    }

    /// <summary>This run's id, part of every namespace name.</summary>
    public string Id { get; }

    public int Members { get; }

    public string Hub => $"{Prefix}-{Id}-hub";

    public string HubAddress => "10.77.0.1";

    public string MemberNamespace(int i) => $"{Prefix}-{Id}-m{i.ToString(CultureInfo.InvariantCulture)}";

    public string MemberAddress(int i) => "10.77.0." + (10 + i).ToString(CultureInfo.InvariantCulture);

    /// <summary>The commands run so far (for failure messages).</summary>
    public string History => string.Join('\n', _log);

    /// <summary>Creates the namespaces, bridge, veth pairs and an empty partition chain; fails with the reason when it cannot.</summary>
    public static NetworkLab Create(int members)
    {
        if (geteuid() != 0)
        {
            throw new InvalidOperationException("the partition test creates network namespaces and nft rules: it must run as root");
        }

        foreach (var tool in new[] { "ip", "nft" })
        {
            if (!new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }.Any(d => File.Exists(Path.Combine(d, tool))))
            {
                throw new InvalidOperationException($"'{tool}' is not installed: run scripts/deps.sh (it installs iproute2 and nftables)");
            }
        }

        RemoveLeftovers();
        var lab = new NetworkLab($"{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Random.Shared.Next(0x10000):x4}", members);
        try
        {
            lab.Build();
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    private void Build()
    {
        AddNamespace(Hub);
        Ip("-n", Hub, "link", "set", "lo", "up");
        Ip("-n", Hub, "link", "add", "br0", "type", "bridge");
        Ip("-n", Hub, "addr", "add", HubAddress + "/24", "dev", "br0");
        Ip("-n", Hub, "link", "set", "br0", "up");
        for (var i = 0; i < Members; i++)
        {
            var ns = MemberNamespace(i);
            var port = "v" + i.ToString(CultureInfo.InvariantCulture);
            AddNamespace(ns);
            Ip("-n", ns, "link", "set", "lo", "up");
            Ip("-n", Hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
            Ip("-n", Hub, "link", "set", port, "master", "br0");
            Ip("-n", Hub, "link", "set", port, "up");
            Ip("-n", ns, "addr", "add", MemberAddress(i) + "/24", "dev", "eth0");
            Ip("-n", ns, "link", "set", "eth0", "up");
        }

        Nft("add", "table", "bridge", "partition");
        Nft("add", "chain", "bridge", "partition", "cut", "{ type filter hook forward priority 0; policy accept; }");
    }

    /// <summary>Drops every packet from member <paramref name="from"/> to member <paramref name="to"/> (one direction).</summary>
    public void Drop(int from, int to) =>
        Nft("add", "rule", "bridge", "partition", "cut", "ip", "saddr", MemberAddress(from), "ip", "daddr", MemberAddress(to), "drop");

    /// <summary>Cuts member <paramref name="member"/> off from every other member, both directions.</summary>
    public void Isolate(int member)
    {
        for (var other = 0; other < Members; other++)
        {
            if (other != member)
            {
                Drop(member, other);
                Drop(other, member);
            }
        }
    }

    /// <summary>Removes every partition rule.</summary>
    public void Heal() => Nft("flush", "chain", "bridge", "partition", "cut");

    /// <summary>The partition rules in force (nft's listing).</summary>
    public string Rules() => Run("ip", "netns", "exec", Hub, "nft", "list", "chain", "bridge", "partition", "cut");

    /// <summary>The namespace a process of the cluster runs in: member i in its own, everything else in the hub.</summary>
    public string NamespaceOf(int? member) => member is { } i ? MemberNamespace(i) : Hub;

    /// <summary>A TCP connection opened from the hub namespace (for SocketsHttpHandler.ConnectCallback).</summary>
    public async ValueTask<Stream> ConnectAsync(System.Net.Http.SocketsHttpConnectionContext context, CancellationToken token)
    {
        var socket = SocketIn("/var/run/netns/" + Hub);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A socket created in the namespace at <paramref name="path"/>: this thread enters it, creates
    /// the socket (which keeps that namespace for its life) and goes back, with nothing awaited between.
    /// </summary>
    private static Socket SocketIn(string path)
    {
        lock (SetnsGate)
        {
            using var own = File.OpenHandle("/proc/thread-self/ns/net");
            using var target = File.OpenHandle(path);
            if (setns(target, CloneNewNet) != 0)
            {
                throw new IOException($"setns({path}) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            try
            {
                return new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            }
            finally
            {
                if (setns(own, CloneNewNet) != 0)
                {
                    Environment.FailFast("could not return this thread to its own network namespace");
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            try
            {
                Run("ip", "netns", "del", ns);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
    }

    /// <summary>Deletes namespaces of earlier runs whose process is gone (a run killed before its Dispose).</summary>
    private static void RemoveLeftovers()
    {
        foreach (var name in Run("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]))
        {
            var parts = name.Split('-');
            if (parts.Length == 4 && parts[0] == Prefix && int.TryParse(parts[1], out var pid) && !Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
            {
                Run("ip", "netns", "del", name);
            }
        }
    }

    private void AddNamespace(string name)
    {
        Ip("netns", "add", name);
        _namespaces.Add(name);
    }

    private void Ip(params string[] args) => Logged("ip", args);

    private void Nft(params string[] args) => Logged("ip", ["netns", "exec", Hub, "nft", .. args]);

    private void Logged(string file, string[] args)
    {
        _log.Add(file + " " + string.Join(' ', args));
        Run(file, args);
    }

    private static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {error.Trim()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(SafeFileHandle fd, int nstype);

    [DllImport("libc")]
    private static extern uint geteuid();
}
