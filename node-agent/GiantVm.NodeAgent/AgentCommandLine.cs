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
        var output = new Option<string>("--output", "-o") { Description = "table (for people) or json (one JSON object, for scripts), as in giantvmctl", DefaultValueFactory = _ => "table", HelpName = "table|json" };
        output.AcceptOnlyFromAmong("table", "json");
        // the spelling before -o json: still accepted, not shown, with a note on stderr
        var json = new Option<bool>("--json") { Description = "deprecated: use -o json", Hidden = true };
        var beCgroup = new Option<string?>("--be-cgroup") { Description = "guest: BE tasks are the processes of this cgroup v2 path (recursive)" };
        var beComm = new Option<string?>("--be-comm") { Description = "guest: BE tasks are the processes whose comm matches this regex" };
        var bePidFile = new Option<string?>("--be-pid-file") { Description = "guest: BE tasks are the pids listed in this file" };
        // the same spelling as run's --numa-maps and the config key Agent:NumaMaps
        var numaMaps = new Option<bool>("--numa-maps")
        {
            Description = "guest: read numa_maps of BE tasks for their pages per node; false: a task's node is the node of its last CPU (Agent:NumaMaps in run) [default: true]",
            HelpName = "true|false",
            DefaultValueFactory = _ => true,
            Arity = ArgumentArity.ZeroOrOne,
        };
        var noNumaMaps = new Option<bool>("--no-numa-maps") { Description = "deprecated: use --numa-maps false", Hidden = true };
        var lcCgroup = new Option<string?>("--lc-cgroup") { Description = "host: LC load is the CPU usage of this cgroup (v2 cpu.stat, or v1 cpuacct.usage)" };
        var qemuPid = new Option<int?>("--qemu-pid") { Description = "host: the GiantVM QEMU process (default: found by name qemu-system-*)" };
        var vcpuThreads = new Option<string?>("--vcpu-threads") { Description = "host: regex of vCPU thread names (default '^CPU \\d+/KVM$')" };
        var verbose = new Option<bool>("--verbose") { Description = "print stack traces of errors" };

        var probe = new Command("probe", "Sample twice, --interval apart, and print one report.")
        {
            role, nodeId, procRoot, sysRoot, cgroupRoot, interval, output, json,
            beCgroup, beComm, bePidFile, numaMaps, noNumaMaps, lcCgroup, qemuPid, vcpuThreads, verbose,
        };
        probe.SetAction(async (result, ct) =>
        {
            foreach (var (old, now) in new[] { (json, "-o json"), (noNumaMaps, "--numa-maps false") })
            {
                if (result.GetValue(old))
                {
                    await stderr.WriteLineAsync($"giantvm-agent probe: {old.Name} is deprecated and will go; use {now}");
                }
            }

            if (result.GetValue(noNumaMaps) && result.GetResult(numaMaps) is { Implicit: false })
            {
                await stderr.WriteLineAsync("giantvm-agent probe: give --numa-maps or --no-numa-maps, not both (see giantvm-agent probe --help)");
                return ExitCodes.Usage;
            }

            var settings = new ProbeSettings(
                result.GetRequiredValue(role),
                result.GetValue(nodeId),
                result.GetValue(procRoot)!,
                result.GetValue(sysRoot)!,
                result.GetValue(cgroupRoot),
                result.GetValue(interval),
                result.GetValue(output) == "json" || result.GetValue(json),
                result.GetValue(beCgroup),
                result.GetValue(beComm),
                result.GetValue(bePidFile),
                result.GetValue(numaMaps) && !result.GetValue(noNumaMaps),
                result.GetValue(lcCgroup),
                result.GetValue(qemuPid),
                result.GetValue(vcpuThreads),
                result.GetValue(verbose));
            return await ProbeCommand.RunAsync(settings, stdout, stderr, time, ct);
        });
        return probe;
    }
}
