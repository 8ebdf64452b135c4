using System.Text.Json;
using GiantVm.Coordinator.Hosting;
using GiantVm.Deploy.Tests.Infrastructure;
using GiantVm.Scheduling.Policies;
using Microsoft.Extensions.Configuration;

namespace GiantVm.Deploy.Tests;

/// <summary>
/// The unit and config files the staged run rendered for two physical hosts, the guest and a
/// three-member coordinator group (coord0..2 on 127.0.0.1..3), with TLS (the default).
/// </summary>
[Collection(AnsibleCollection.Name)]
[Trait("Category", "e2e")]
public sealed class RenderedTemplateTests(StagedDeployment deployment)
{
    private const string Coordinators = "https://127.0.0.1:5000,https://127.0.0.2:5000,https://127.0.0.3:5000";

    [Theory]
    [InlineData("node0")]
    [InlineData("node1")]
    [InlineData("guest")]
    public void AgentUnit_RunsTheAgentWithItsConfigFile(string host)
    {
        Assert.Equal(
            ["/opt/giantvm/bin/giantvm-agent", "run", "--config", "/etc/giantvm/agent.json"],
            deployment.Unit(host, "giantvm-agent.service").ExecStart());
    }

    [Fact]
    public void HostConfig_WithoutLcCgroup_IsTheHostRoleOfItsNode_WithItsOwnIdentity()
    {
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Role"] = "host", ["Vm"] = "giantvm", ["Coordinator"] = Coordinators, ["NodeId"] = "0",
                ["Tls:Cert"] = "/etc/giantvm/tls/host-giantvm-0.crt", ["Tls:Key"] = "/etc/giantvm/tls/host-giantvm-0.key",
                ["Tls:Ca"] = "/etc/giantvm/tls/ca.crt", ["LogLevel"] = "Information",
            },
            AgentSection("node0"));
    }

    [Fact]
    public void HostConfig_WithLcCgroup_NamesIt()
    {
        var agent = AgentSection("node1");
        Assert.Equal("1", agent["NodeId"]);
        Assert.Equal("lc.slice", agent["LcCgroup"]);
        Assert.Equal("/etc/giantvm/tls/host-giantvm-1.crt", agent["Tls:Cert"]);
    }

    [Fact]
    public void GuestConfig_HasExecutorAndBeSelection_AndNoNodeId()
    {
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Role"] = "guest", ["Vm"] = "giantvm", ["Coordinator"] = Coordinators, ["Executor"] = "numactl",
                ["BeCgroup"] = "be.slice", ["BeComm"] = StagedDeployment.GuestBeComm,
                ["Tls:Cert"] = "/etc/giantvm/tls/guest-giantvm.crt", ["Tls:Key"] = "/etc/giantvm/tls/guest-giantvm.key",
                ["Tls:Ca"] = "/etc/giantvm/tls/ca.crt", ["LogLevel"] = "Information",
            },
            AgentSection("guest"));
    }

    [Theory]
    [InlineData("node1")]
    [InlineData("guest")]
    public async Task AgentConfig_UsesOnlyKeysTheInstalledAgentKnows(string host)
    {
        var help = await ProcessRunner.RunAsync(
            deployment.Installed(host, "/opt/giantvm/bin/giantvm-agent"), ["run", "--help"], RepoPaths.Root,
            new Dictionary<string, string> { ["DOTNET_ROOT"] = DotnetRoot.Path }, TimeSpan.FromMinutes(1));
        Assert.True(help.ExitCode == 0, help.Describe());
        Assert.All(AgentSection(host).Keys, key => Assert.Contains($"(Agent:{key})", help.StdOut, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("node0")]
    [InlineData("node1")]
    public void HostUnit_KeepsOnlyPtrace(string host)
    {
        var unit = deployment.Unit(host, "giantvm-agent.service");
        Assert.Equal("CAP_SYS_PTRACE", unit.Get("Service", "CapabilityBoundingSet"));
        Assert.Equal("CAP_SYS_PTRACE", unit.Get("Service", "AmbientCapabilities"));
    }

    [Fact]
    public void GuestUnit_KeepsNiceAndPtraceOnly()
    {
        var unit = deployment.Unit("guest", "giantvm-agent.service");
        Assert.Equal("CAP_SYS_NICE CAP_SYS_PTRACE", unit.Get("Service", "CapabilityBoundingSet"));
        Assert.Equal("CAP_SYS_NICE CAP_SYS_PTRACE", unit.Get("Service", "AmbientCapabilities"));
    }

    /// <summary>Type=notify: the binaries send READY=1 once up (SystemdTests in GiantVm.NodeAgent.Tests), so "started" means up.</summary>
    [Theory]
    [InlineData("node0", "giantvm-agent.service")]
    [InlineData("guest", "giantvm-agent.service")]
    [InlineData("coord0", "giantvm-coordinator.service")]
    public void Unit_IsTypeNotify(string host, string name)
    {
        var unit = deployment.Unit(host, name);
        Assert.Equal("notify", unit.Get("Service", "Type"));
        Assert.Null(unit.Get("Service", "NotifyAccess")); // main: the process itself notifies
        Assert.Null(unit.Get("Service", "StandardOutput")); // the journal, which reads the priority prefixes
    }

    [Theory]
    [InlineData("node0", "giantvm-agent.service", "giantvm-agent")]
    [InlineData("guest", "giantvm-agent.service", "giantvm-agent")]
    [InlineData("coord0", "giantvm-coordinator.service", "giantvm-coordinator")]
    public void Unit_RunsAsItsUser_AlwaysRestartsButNotOnAConfigError_AndIsHardened(string host, string name, string user)
    {
        var unit = deployment.Unit(host, name);
        Assert.Equal(user, unit.Get("Service", "User"));
        Assert.Equal(user, unit.Get("Service", "Group"));
        Assert.Equal("always", unit.Get("Service", "Restart"));
        Assert.Equal("2", unit.Get("Service", "RestartPreventExitStatus"));
        Assert.Equal("yes", unit.Get("Service", "NoNewPrivileges"));
        Assert.Equal("strict", unit.Get("Service", "ProtectSystem"));
        Assert.Equal("yes", unit.Get("Service", "ProtectHome"));
        Assert.Equal("yes", unit.Get("Service", "PrivateTmp"));
        Assert.Null(unit.Get("Service", "MemoryDenyWriteExecute")); // would break the .NET JIT
        Assert.Equal("multi-user.target", unit.Get("Install", "WantedBy"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void CoordinatorConfig_NamesTheMemberItsHttpsAddressesItsIdentityAndEverySeed(int member)
    {
        var host = StagedDeployment.Coordinators[member];
        var address = $"127.0.0.{member + 1}";
        using var json = deployment.Json(host, "/etc/giantvm/coordinator.json");
        var root = json.RootElement;
        var coordinator = root.GetProperty("Coordinator");
        Assert.Equal($"https://{address}:5000", root.GetProperty("urls").GetString());
        // On loopback the metrics may stay plain HTTP (off loopback: https, see ValidationTests).
        Assert.Equal($"http://{address}:5001", coordinator.GetProperty("MetricsUrl").GetString());
        var tls = coordinator.GetProperty("Tls");
        Assert.Equal($"/etc/giantvm/tls/coordinator-{host}.crt", tls.GetProperty("Cert").GetString());
        Assert.Equal($"/etc/giantvm/tls/coordinator-{host}.key", tls.GetProperty("Key").GetString());
        Assert.Equal("/etc/giantvm/tls/ca.crt", tls.GetProperty("Ca").GetString());
        Assert.Equal(host, coordinator.GetProperty("MemberName").GetString());
        Assert.Equal("/var/lib/giantvm-coordinator", coordinator.GetProperty("DataDir").GetString());
        Assert.Equal(StagedDeployment.StoreUri, coordinator.GetProperty("Store").GetString());
        Assert.Equal("/etc/giantvm/store-password", coordinator.GetProperty("StorePasswordFile").GetString());
        Assert.Equal("30d", coordinator.GetProperty("Retain").GetString());
        Assert.Equal("staging-secret\n", File.ReadAllText(deployment.Installed(host, "/etc/giantvm/store-password")));
        Assert.Equal(address, coordinator.GetProperty("Akka").GetProperty("Hostname").GetString());
        Assert.Equal(4053, coordinator.GetProperty("Akka").GetProperty("Port").GetInt32());
        Assert.Equal(
            ["akka.tcp://giantvm@127.0.0.1:4053", "akka.tcp://giantvm@127.0.0.2:4053", "akka.tcp://giantvm@127.0.0.3:4053"],
            coordinator.GetProperty("Akka").GetProperty("SeedNodes").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void CoordinatorConfig_BindsToTheCoordinatorsOptions_WithNoUnknownKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(deployment.Installed("coord2", "/etc/giantvm/coordinator.json"))
            .Build();
        var options = configuration.GetSection(CoordinatorOptions.Section)
            .Get<CoordinatorOptions>(o => o.ErrorOnUnknownConfiguration = true)!;
        Assert.Equal("coord2", options.MemberName);
        Assert.False(options.Insecure);
        Assert.Equal("/etc/giantvm/tls/coordinator-coord2.crt", options.Tls.Cert);
        Assert.Equal("/etc/giantvm/tls/coordinator-coord2.key", options.Tls.Key);
        Assert.Equal("/etc/giantvm/tls/ca.crt", options.Tls.Ca);
        Assert.False(options.WatchPolicyFile); // the playbook reloads with SIGHUP instead
        Assert.Equal(3, options.Akka.SeedNodes.Count);
    }

    [Fact]
    public void CoordinatorUnit_PassesConfigAndPolicy_HasNoCapabilities_AndStaysOffInsecure()
    {
        var unit = deployment.Unit("coord1", "giantvm-coordinator.service");
        Assert.Equal(
            ["/opt/giantvm/bin/giantvm-coordinator", "--config", "/etc/giantvm/coordinator.json", "--policy", "/etc/giantvm/policy.yaml"],
            unit.ExecStart());
        Assert.Equal("", unit.Get("Service", "CapabilityBoundingSet"));
        Assert.Equal("", unit.Get("Service", "AmbientCapabilities"));
        Assert.Equal("/var/lib/giantvm-coordinator", unit.Get("Service", "ReadWritePaths"));
        Assert.Equal("/bin/kill -HUP $MAINPID", unit.Get("Service", "ExecReload"));
    }

    [Fact]
    public void RenderedPolicy_LoadsAndEqualsTheProductionDefault()
    {
        var loaded = PolicyLoader.LoadFile(deployment.Installed("coord0", "/etc/giantvm/policy.yaml"));
        Assert.True(loaded.Ok, string.Join('\n', loaded.Errors));
        Assert.Empty(PolicyDiff.Describe(Policy.Default, loaded.Policy!));
    }

    /// <summary>The "Agent" section of a host's agent.json as configuration keys ("Tls:Cert"), every value as text.</summary>
    private Dictionary<string, string> AgentSection(string host)
    {
        using var json = deployment.Json(host, "/etc/giantvm/agent.json");
        var keys = new Dictionary<string, string>();
        Flatten(json.RootElement.GetProperty("Agent"), "", keys);
        return keys;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> keys)
    {
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(p.Value, prefix + p.Name + ":", keys);
            }
            else
            {
                keys.Add(prefix + p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
            }
        }
    }
}
