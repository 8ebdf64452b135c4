using System.CommandLine;

namespace GiantVm.NodeAgent.Hosting;

/// <summary>
/// The <c>run</c> verb's flags. Each flag sets one configuration key (Agent:Key), so everything a
/// flag sets can also come from <c>--config</c> or <c>GIANTVM_Agent__Key</c>; flags win.
/// </summary>
internal static class RunCommandLine
{
    public static Command Build(TextWriter stderr, TimeProvider time)
    {
        var command = new Command("run", "Run the agent: sample every interval, stream reports to the coordinator, execute its migrate commands (guest). "
            + "Every flag is also a configuration key Agent:<Key> (JSON --config file, or environment GIANTVM_Agent__<Key>); flags win. "
            + "Exit codes: 0 stopped by SIGTERM/SIGINT, 1 unexpected failure, 2 configuration error.");
        var config = new Option<string?>("--config") { Description = "JSON file with an \"Agent\" section holding any of the keys below", HelpName = "FILE" };
        var verbose = new Option<bool>("--verbose") { Description = "print stack traces of unexpected errors" };
        command.Options.Add(config);
        command.Options.Add(verbose);

        var flags = new List<(Option Option, string Key)>();
        void Add<T>(string name, string key, string description, string? helpName = null)
        {
            var option = new Option<T>(name) { Description = $"{description} (Agent:{key})", HelpName = helpName };
            if (option is Option<int?> number)
            {
                // the parser's own message names the CLR type (System.Nullable`1[System.Int32])
                number.CustomParser = r =>
                {
                    var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                    if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
                    {
                        return n;
                    }

                    r.AddError($"{name} '{text}': expected a whole number");
                    return null;
                };
            }

            command.Options.Add(option);
            flags.Add((option, key));
        }

        Add<string>("--role", "Role", "host (a physical machine) or guest (the GiantVM guest); required", "host|guest");
        Add<int?>("--node-id", "NodeId", "host: the virtual NUMA node this host backs; required for hosts", "K");
        Add<string>("--vm", "Vm", "GiantVM instance id [default: giantvm]", "NAME");
        Add<string>("--coordinator", "Coordinator", "coordinator gRPC URL(s), comma separated, tried in turn; required", "URL[,URL...]");
        Add<string>("--tls-cert", "Tls:Cert", "this agent's certificate (PEM): spiffe://giantvm/vm/VM/host/K or .../guest; with --tls-key and --tls-ca the coordinator URLs are https://", "FILE");
        Add<string>("--tls-key", "Tls:Key", "the certificate's private key (PEM)", "FILE");
        Add<string>("--tls-ca", "Tls:Ca", "the deployment's CA (PEM): the coordinator's certificate must chain to it and be a coordinator identity", "FILE");
        Add<string>("--interval", "Interval", "report interval until the coordinator sets one [default: 1s]", "DURATION");
        Add<string>("--proc-root", "ProcRoot", "proc file system to read [default: /proc]", "DIR");
        Add<string>("--sys-root", "SysRoot", "sys file system to read [default: /sys]", "DIR");
        Add<string>("--cgroup-root", "CgroupRoot", "cgroup2 root (default: <sys-root>/fs/cgroup if it holds cgroup.controllers, else <sys-root>/fs/cgroup/unified)", "DIR");
        Add<string>("--be-cgroup", "BeCgroup", "guest: BE tasks are the processes of this cgroup v2 path (recursive)", "PATH");
        Add<string>("--be-comm", "BeComm", "guest: BE tasks are the processes whose comm matches this regex (any user can choose a name: with --executor cpuset only tasks already under --be-cgroup are moved)", "REGEX");
        Add<string>("--be-pid-file", "BePidFile", "guest: BE tasks are the pids listed in this file; it must be owned by root or the agent's user and not group/other-writable, else the agent refuses to start", "FILE");
        Add<bool?>("--numa-maps", "NumaMaps", "guest: read numa_maps of BE tasks for their pages per node [default: true]", "true|false");
        Add<int?>("--numa-maps-every", "NumaMapsEvery", "guest: re-read the numa_maps of a task that ran or changed its RSS every N samples (first sight and after a migration always; 1 = every sample) [default: 10]", "N");
        Add<int?>("--numa-maps-max-age", "NumaMapsMaxAge", "guest: re-read the numa_maps of a task that neither ran nor changed its RSS every N samples [default: 300]", "N");
        Add<string>("--lc-cgroup", "LcCgroup", "host: LC load is the CPU usage of this cgroup (v2 cpu.stat, or v1 cpuacct.usage)", "PATH");
        Add<int?>("--qemu-pid", "QemuPid", "host: the GiantVM QEMU process (default: found by name qemu-system-*)", "PID");
        Add<string>("--vcpu-threads", "VcpuThreads", "host: regex of vCPU thread names [default: '^CPU \\d+/KVM$']", "REGEX");
        Add<string>("--executor", "Executor", "guest: numactl (affinity + migratepages), cpuset (per-node leaf cgroups under --be-cgroup), dry-run, or emulated (asks giantvm-sim emulate, see --emulator-root) [default: numactl]", "numactl|cpuset|dry-run|emulated");
        Add<string>("--emulator-root", "EmulatorRoot", "guest, --executor emulated: the --root folder of giantvm-sim emulate (moves go through its control/ files)", "DIR");
        Add<string>("--command-timeout", "CommandTimeout", "guest: deadline of a migrate command that carries none [default: 60s]", "DURATION");
        Add<int?>("--metrics-port", "MetricsPort", "serve Prometheus /metrics on 127.0.0.1:PORT (Agent:MetricsHost changes the address) [default: off]", "PORT");
        Add<string>("--log-level", "LogLevel", "Verbose, Debug, Information, Warning, Error [default: Information]", "LEVEL");

        command.SetAction((result, ct) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (option, key) in flags)
            {
                if (result.GetResult(option) is { Implicit: false } given && given.Tokens.Count > 0)
                {
                    overrides["Agent:" + key] = given.Tokens[0].Value;
                }
                else if (result.GetResult(option) is { Implicit: false } && option is Option<bool?>)
                {
                    overrides["Agent:" + key] = "true"; // a bare boolean flag
                }
            }

            return RunCommand.RunAsync(result.GetValue(config), overrides, result.GetValue(verbose), stderr, time, ct);
        });
        return command;
    }
}
