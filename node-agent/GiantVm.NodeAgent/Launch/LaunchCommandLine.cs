using System.CommandLine;
using GiantVm.NodeAgent.Hosting;
using Microsoft.Extensions.Configuration;

namespace GiantVm.NodeAgent.Launch;

/// <summary>The <c>launch</c> verb's flags; the coordinator list and BE selection may also come from --config / GIANTVM_Agent__*.</summary>
internal static class LaunchCommandLine
{
    public static Command Build(TextWriter stderr)
    {
        var command = new Command("launch", "Start a BE task on the node the coordinator advises: "
            + "execs numactl --cpunodebind=N --preferred=N -- CMD ARGS after placing this process in the BE cgroup or pid file. "
            + "Exit codes (nothing started): 1 no node advised or placement failed, 2 usage, 3 no coordinator reachable; otherwise the command's own.");
        var coordinator = new Option<string?>("--coordinator") { Description = "coordinator gRPC URL(s), comma separated (Agent:Coordinator)", HelpName = "URL[,URL...]" };
        var config = new Option<string?>("--config") { Description = "JSON file with an \"Agent\" section (Coordinator, Vm, BeCgroup, BePidFile, SysRoot, CgroupRoot)", HelpName = "FILE" };
        var vm = new Option<string?>("--vm") { Description = "GiantVM instance id (Agent:Vm) [default: giantvm]", HelpName = "NAME" };
        var cpu = new Option<double>("--cpu-cores") { Description = "expected CPU use of the task, in cores (0 = unknown)", HelpName = "CORES" };
        var memory = new Option<ulong>("--memory-mb") { Description = "expected memory of the task, in MiB (0 = unknown)", HelpName = "MIB" };
        var beCgroup = new Option<string?>("--be-cgroup") { Description = "put the task into this cgroup v2 path (its node<N> leaf when the cpuset executor made one) (Agent:BeCgroup)", HelpName = "PATH" };
        var bePidFile = new Option<string?>("--be-pid-file") { Description = "append the task's pid to this file (Agent:BePidFile)", HelpName = "FILE" };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "an agent certificate of this vm (PEM) for https:// coordinators (Agent:Tls:Cert)", HelpName = "FILE" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "its private key (PEM) (Agent:Tls:Key)", HelpName = "FILE" };
        var tlsCa = new Option<string?>("--tls-ca") { Description = "the deployment's CA (PEM) (Agent:Tls:Ca)", HelpName = "FILE" };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for each coordinator's advice", DefaultValueFactory = _ => 5 };
        var cmd = new Argument<string[]>("command") { Description = "the command and its arguments, after --", Arity = ArgumentArity.ZeroOrMore };
        foreach (var o in new Option[] { coordinator, config, vm, cpu, memory, beCgroup, bePidFile, tlsCert, tlsKey, tlsCa, timeout })
        {
            command.Options.Add(o);
        }

        command.Arguments.Add(cmd);
        command.SetAction(async (result, ct) =>
        {
            try
            {
                var configuration = new ConfigurationManager();
                var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
                {
                    ["Agent:Coordinator"] = result.GetValue(coordinator),
                    ["Agent:Vm"] = result.GetValue(vm),
                    ["Agent:BeCgroup"] = result.GetValue(beCgroup),
                    ["Agent:BePidFile"] = result.GetValue(bePidFile),
                    ["Agent:Tls:Cert"] = result.GetValue(tlsCert),
                    ["Agent:Tls:Key"] = result.GetValue(tlsKey),
                    ["Agent:Tls:Ca"] = result.GetValue(tlsCa),
                };
                RunCommand.AddConfiguration(configuration, result.GetValue(config), overrides.Where(kv => kv.Value is not null).ToDictionary());
                var o = RunCommand.Bind(configuration);
                var seconds = result.GetValue(timeout);
                if (seconds <= 0 || result.GetValue(cpu) < 0)
                {
                    throw new AgentConfigException("--timeout and --cpu-cores must be positive");
                }

                var coordinators = AgentOptionsValidator.Coordinators(o.Coordinator);
                var tls = AgentOptionsValidator.Tls(o.Tls, coordinators, expected: null);
                if (tls is not null && tls.Identity.Vm != o.Vm)
                {
                    throw new AgentConfigException($"--tls-cert is {tls.Identity}, which may ask advice for vm '{tls.Identity.Vm}' only (--vm {o.Vm})");
                }

                var settings = new LaunchSettings(
                    coordinators,
                    o.Vm,
                    result.GetValue(cpu),
                    result.GetValue(memory) * 1024 * 1024,
                    o.BeCgroup,
                    o.BePidFile,
                    o.SysRoot,
                    o.CgroupRoot,
                    TimeSpan.FromSeconds(seconds),
                    result.GetValue(cmd) ?? [],
                    tls);
                return await LaunchCommand.RunAsync(settings, stderr, ct);
            }
            catch (AgentConfigException e)
            {
                await stderr.WriteLineAsync("giantvm-agent launch: " + e.Message);
                return ExitCodes.Usage;
            }
        });
        return command;
    }
}
