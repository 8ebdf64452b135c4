using System.Globalization;
using GiantVm.Linux;
using GiantVm.Linux.Syscalls;
using GiantVm.NodeAgent.Execution;

namespace GiantVm.NodeAgent.Launch;

/// <summary>
/// <c>giantvm-agent launch -- CMD ARGS</c>: asks the coordinator for the best node, makes this
/// process a BE task (its pid into the BE cgroup, or the BE pid file), then execs
/// <c>numactl --cpunodebind=N --preferred=N -- CMD ARGS</c> (same pid: the classification
/// carries over). <c>--preferred</c>, not <c>--membind</c>, so that later moves stick.
/// Exit codes (only when nothing was started): 2 usage, 3 no coordinator reachable, 1 other.
/// </summary>
internal static class LaunchCommand
{
    public static async Task<int> RunAsync(LaunchSettings s, TextWriter stderr, CancellationToken ct)
    {
        if (s.Command.Count == 0)
        {
            await stderr.WriteLineAsync("giantvm-agent launch: no command given (giantvm-agent launch [options] -- CMD ARGS)");
            return ExitCodes.Usage;
        }

        var advice = await NodeAdvisor.AskAsync(s, ct);
        if (advice.Unreachable)
        {
            await stderr.WriteLineAsync($"giantvm-agent launch: no coordinator reachable ({advice.Reason}); {s.Command[0]} was not started");
            return ExitCodes.Unreachable;
        }

        if (advice.NodeId is not { } node)
        {
            await stderr.WriteLineAsync($"giantvm-agent launch: no node advised ({advice.Reason}); {s.Command[0]} was not started");
            return ExitCodes.Failed;
        }

        await stderr.WriteLineAsync($"giantvm-agent launch: node {node} ({advice.Reason})");
        try
        {
            PlaceSelf(s, node);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ProcParseException)
        {
            await stderr.WriteLineAsync($"giantvm-agent launch: cannot make the new process a BE task ({e.Message}); {s.Command[0]} was not started");
            return ExitCodes.Failed;
        }

        string[] argv = ["numactl", $"--cpunodebind={node}", $"--preferred={node}", "--", .. s.Command];
        await stderr.FlushAsync(ct);
        var errno = Exec.ExecVp("numactl", argv);
        await stderr.WriteLineAsync($"giantvm-agent launch: cannot run numactl (errno {errno}{(errno == Exec.Enoent ? ": not installed, install the numactl package" : "")})");
        return ExitCodes.Failed;
    }

    /// <summary>Puts this process (whose pid the command will keep) where the agent looks for BE tasks.</summary>
    internal static void PlaceSelf(LaunchSettings s, int node)
    {
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (s.BeCgroup is { } be)
        {
            var cgroups = new CgroupFs(CgroupLayout.Detect(s.SysRoot, s.CgroupRoot));
            var dir = cgroups.V2Directory(be) ?? throw new IOException($"--be-cgroup {be}: no cgroup2 root found; give --cgroup-root");
            var leaf = Path.Combine(dir, CpusetExecutor.LeafName(node));
            var target = Directory.Exists(leaf) ? leaf : dir; // the cpuset backend's node leaf when there is one
            File.WriteAllText(Path.Combine(target, "cgroup.procs"), pid + "\n");
        }

        if (s.BePidFile is { } file)
        {
            File.AppendAllText(file, pid + "\n");
        }
    }
}
