using System.CommandLine;
using GiantVm.NodeAgent.Hosting;
using GiantVm.NodeAgent.Probe;

namespace GiantVm.NodeAgent;

/// <summary>The <c>giantvm-agent</c> command tree. Thin: options become settings records, verbs call runners.</summary>
internal static class AgentCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var root = Build(stdout, stderr, time);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            var message = string.Join(' ', result.Errors[0].Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await stderr.WriteLineAsync($"giantvm-agent: {message} (see giantvm-agent --help)");
            return ExitCodes.Usage;
        }

        return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    public static RootCommand Build(TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var root = new RootCommand("giantvm-agent: the GiantVM node agent (host or guest role).");
        root.Subcommands.Add(BuildProbe(stdout, stderr, time));
        root.Subcommands.Add(Hosting.RunCommandLine.Build(stderr, time));
        root.Subcommands.Add(Launch.LaunchCommandLine.Build(stderr));
        return root;
    }

    private static Command BuildProbe(TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var role = new Option<string>("--role") { Description = "host (a physical machine) or guest (the GiantVM guest)", Required = true };
        role.AcceptOnlyFromAmong("host", "guest");
        var nodeId = new Option<int>("--node-id") { Description = "host: the virtual NUMA node this host backs", DefaultValueFactory = _ => 0 };
        var procRoot = new Option<string>("--proc-root") { Description = "proc file system to read", DefaultValueFactory = _ => "/proc" };
        var sysRoot = new Option<string>("--sys-root") { Description = "sys file system to read", DefaultValueFactory = _ => "/sys" };
        var cgroupRoot = new Option<string?>("--cgroup-root") { Description = "cgroup2 root (default: <sys-root>/fs/cgroup if it holds cgroup.controllers, else <sys-root>/fs/cgroup/unified)" };
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "time between the two samples (500ms, 1s, 2m)",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (AgentOptionsValidator.TryAgentDuration(text, out var d))
                {
                    return d;
                }

                r.AddError($"--interval '{text}': {AgentOptionsValidator.AgentDurationExpected}");
                return default;
            },
        };
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of a table" };
        var beCgroup = new Option<string?>("--be-cgroup") { Description = "guest: BE tasks are the processes of this cgroup v2 path (recursive)" };
        var beComm = new Option<string?>("--be-comm") { Description = "guest: BE tasks are the processes whose comm matches this regex" };
        var bePidFile = new Option<string?>("--be-pid-file") { Description = "guest: BE tasks are the pids listed in this file" };
        var noNumaMaps = new Option<bool>("--no-numa-maps") { Description = "guest: do not read numa_maps (a task's node is then the node of its last CPU)" };
        var lcCgroup = new Option<string?>("--lc-cgroup") { Description = "host: LC load is the CPU usage of this cgroup (v2 cpu.stat, or v1 cpuacct.usage)" };
        var qemuPid = new Option<int?>("--qemu-pid") { Description = "host: the GiantVM QEMU process (default: found by name qemu-system-*)" };
        var vcpuThreads = new Option<string?>("--vcpu-threads") { Description = "host: regex of vCPU thread names (default '^CPU \\d+/KVM$')" };
        var verbose = new Option<bool>("--verbose") { Description = "print stack traces of errors" };

        var probe = new Command("probe", "Sample twice, --interval apart, and print one report.")
        {
            role, nodeId, procRoot, sysRoot, cgroupRoot, interval, json,
            beCgroup, beComm, bePidFile, noNumaMaps, lcCgroup, qemuPid, vcpuThreads, verbose,
        };
        probe.SetAction((result, ct) =>
        {
            var settings = new ProbeSettings(
                result.GetRequiredValue(role),
                result.GetValue(nodeId),
                result.GetValue(procRoot)!,
                result.GetValue(sysRoot)!,
                result.GetValue(cgroupRoot),
                result.GetValue(interval),
                result.GetValue(json),
                result.GetValue(beCgroup),
                result.GetValue(beComm),
                result.GetValue(bePidFile),
                !result.GetValue(noNumaMaps),
                result.GetValue(lcCgroup),
                result.GetValue(qemuPid),
                result.GetValue(vcpuThreads),
                result.GetValue(verbose));
            return ProbeCommand.RunAsync(settings, stdout, stderr, time, ct);
        });
        return probe;
    }
}
