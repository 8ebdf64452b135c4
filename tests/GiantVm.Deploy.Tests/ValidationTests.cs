using GiantVm.Deploy.Tests.Infrastructure;

namespace GiantVm.Deploy.Tests;

/// <summary>
/// The checks site.yml makes before it changes anything: each bad inventory stops the play
/// (--tags validate) with a message that names the problem.
/// </summary>
[Collection(AnsibleCollection.Name)]
[Trait("Category", "e2e")]
public sealed class ValidationTests : IDisposable
{
    private readonly TempFolder _folder = new("giantvm-deploy-validate");

    public ValidationTests()
    {
        // Only presence is checked by validation: an empty file stands in for the executable.
        _folder.Write("bin/giantvm-agent", "");
    }

    private const string LocalVars = """
        [all:vars]
        ansible_connection=local
        ansible_become=false
        ansible_python_interpreter=/usr/bin/python3

        """;

    private const string Guest = """
        [giantvm_guest]
        guest ansible_host=127.0.0.1

        """;

    private const string OneCoordinator = """
        [giantvm_coordinators]
        coord0 ansible_host=127.0.0.1

        """;

    private const string TwoHosts = """
        [giantvm_hosts]
        node0 ansible_host=127.0.0.1 giantvm_node_id=0
        node1 ansible_host=127.0.0.1 giantvm_node_id=1

        """;

    private Task<ProcessResult> ValidateAsync(string inventory, params string[] extra) =>
        AnsibleRunner.PlaybookAsync(
            _folder.Write("inventory.ini", LocalVars + inventory),
            ["--tags", "validate", "-e", $"giantvm_bin_dir={_folder.Combine("bin")}", "-e", "{\"giantvm_coordinator_binaries\": []}", .. extra]);

    private static void AssertStopped(ProcessResult run, params string[] messageParts)
    {
        Assert.True(run.ExitCode != 0, "the play should have stopped:\n" + run.Describe());
        foreach (var part in messageParts)
        {
            Assert.True(run.Output.Contains(part, StringComparison.Ordinal), $"missing '{part}' in:\n{run.Describe()}");
        }
    }

    [Fact]
    public async Task ValidInventory_PassesValidation()
    {
        var run = await ValidateAsync(TwoHosts + Guest + OneCoordinator);
        Assert.True(run.ExitCode == 0, run.Describe());
    }

    [Fact]
    public async Task DuplicateNodeIds_StopThePlay()
    {
        var run = await ValidateAsync("""
            [giantvm_hosts]
            node0 ansible_host=127.0.0.1 giantvm_node_id=1
            node1 ansible_host=127.0.0.1 giantvm_node_id=1

            """ + Guest + OneCoordinator);
        AssertStopped(run, "unique integer", "node0=1, node1=1");
    }

    [Fact]
    public async Task HostWithoutNodeId_StopsThePlay()
    {
        var run = await ValidateAsync("""
            [giantvm_hosts]
            node0 ansible_host=127.0.0.1 giantvm_node_id=0
            node1 ansible_host=127.0.0.1

            """ + Guest + OneCoordinator);
        AssertStopped(run, "missing on: node1");
    }

    [Fact]
    public async Task EmptyCoordinatorGroup_StopsThePlay()
    {
        var run = await ValidateAsync(TwoHosts + Guest + "[giantvm_coordinators]\n");
        AssertStopped(run, "giantvm_coordinators is empty");
    }

    [Fact]
    public async Task MissingPolicyFile_StopsThePlay()
    {
        var missing = _folder.Combine("no-such-policy.yaml");
        var run = await ValidateAsync(TwoHosts + Guest + OneCoordinator, "-e", $"giantvm_coordinator_policy_file={missing}");
        AssertStopped(run, missing, "is not a file on the");
    }

    [Fact]
    public async Task MissingAgentExecutable_StopsThePlay()
    {
        var empty = _folder.Combine("empty-bin");
        Directory.CreateDirectory(empty);
        var run = await ValidateAsync(TwoHosts + Guest + OneCoordinator, "-e", $"giantvm_bin_dir={empty}");
        AssertStopped(run, $"{empty}/giantvm-agent not found", "scripts/publish.sh");
    }

    [Fact]
    public async Task CoordinatorBeyondLoopback_WithoutInsecure_StopsThePlay()
    {
        var run = await ValidateAsync(TwoHosts + Guest + "[giantvm_coordinators]\ncoord0 ansible_host=192.0.2.10\n");
        AssertStopped(run, "would listen on 192.0.2.10", "NOT authenticated", "giantvm_coordinator_insecure=true");
    }

    [Fact]
    public async Task CoordinatorBeyondLoopback_WithInsecure_GetsTheInsecureSwitch()
    {
        var stage = _folder.Combine("stage");
        var run = await AnsibleRunner.PlaybookAsync(
            _folder.Write("inventory.ini", LocalVars + TwoHosts + Guest + $"[giantvm_coordinators]\ncoord0 ansible_host=192.0.2.10 giantvm_stage_root={stage}\n"),
            [
                "--limit", "coord0", "--tags", "validate,users,config,units",
                "-e", "giantvm_manage_services=false", "-e", "giantvm_coordinator_insecure=true",
                "-e", $"giantvm_bin_dir={_folder.Combine("bin")}", "-e", "{\"giantvm_coordinator_binaries\": []}",
            ]);
        Assert.True(run.ExitCode == 0, run.Describe());
        var unit = UnitFile.Parse(File.ReadAllText(stage + "/etc/systemd/system/giantvm-coordinator.service"));
        Assert.Equal("--insecure", unit.ExecStart()[^1]);
        Assert.Contains("\"urls\": \"http://192.0.2.10:5000\"", File.ReadAllText(stage + "/etc/giantvm/coordinator.json"), StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
