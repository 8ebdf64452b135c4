using GiantVm.Deploy.Tests.Infrastructure;

namespace GiantVm.Deploy.Tests;

/// <summary>
/// site.yml run for an inventory written by the test, in a folder of its own: the checks only
/// (<see cref="ValidationTests"/>) or the coordinator's and node0's files into staging roots
/// (<see cref="ConfigInstallTests"/>).
/// </summary>
public abstract class SitePlaybookTests : IDisposable
{
    private protected readonly TempFolder _folder = new("giantvm-deploy-validate");

    private protected SitePlaybookTests()
    {
        // Only presence is checked by validation: an empty file stands in for the executable.
        _folder.Write("bin/giantvm-agent", "");
    }

    private protected const string LocalVars = """
        [all:vars]
        ansible_connection=local
        ansible_become=false
        ansible_python_interpreter=/usr/bin/python3

        """;

    private protected const string Guest = """
        [giantvm_guest]
        guest ansible_host=127.0.0.1

        """;

    private protected const string OneCoordinator = """
        [giantvm_coordinators]
        coord0 ansible_host=127.0.0.1

        """;

    private protected const string TwoHosts = """
        [giantvm_hosts]
        node0 ansible_host=127.0.0.1 giantvm_node_id=0
        node1 ansible_host=127.0.0.1 giantvm_node_id=1

        """;

    /// <summary>giantvm_tls_dir of these runs (never the repository's artifacts/certs).</summary>
    private protected string TlsDir => _folder.Combine("certs");

    private protected Task<ProcessResult> ValidateAsync(string inventory, params string[] extra) =>
        AnsibleRunner.PlaybookAsync(
            _folder.Write("inventory.ini", LocalVars + inventory),
            [
                "--tags", "validate", "-e", $"giantvm_bin_dir={_folder.Combine("bin")}", "-e", "{\"giantvm_coordinator_binaries\": []}",
                "-e", $"giantvm_tls_dir={TlsDir}", .. extra,
            ]);

    /// <summary>Installs the coordinator's and node0's files (no executables) into staging roots under this test's folder.</summary>
    private protected Task<ProcessResult> InstallConfigAsync(string coordinatorAddress, params string[] extra) =>
        AnsibleRunner.PlaybookAsync(
            _folder.Write("inventory.ini", LocalVars + $"""
                [giantvm_hosts]
                node0 ansible_host=127.0.0.1 giantvm_node_id=0 giantvm_stage_root={_folder.Combine("stage", "node0")}

                """ + Guest + $"[giantvm_coordinators]\ncoord0 ansible_host={coordinatorAddress} giantvm_stage_root={_folder.Combine("stage", "coord0")}\n"),
            [
                "--limit", "coord0,node0", "--tags", "validate,users,config,units",
                "-e", "giantvm_manage_services=false", "-e", $"giantvm_tls_dir={TlsDir}",
                "-e", $"giantvm_bin_dir={_folder.Combine("bin")}", "-e", "{\"giantvm_coordinator_binaries\": []}", .. extra,
            ]);

    private protected string Installed(string host, string absolutePath) => _folder.Combine("stage", host) + absolutePath;

    private protected static void AssertStopped(ProcessResult run, params string[] messageParts)
    {
        Assert.True(run.ExitCode != 0, "the play should have stopped:\n" + run.Describe());
        foreach (var part in messageParts)
        {
            Assert.True(run.Output.Contains(part, StringComparison.Ordinal), $"missing '{part}' in:\n{run.Describe()}");
        }
    }

    public void Dispose()
    {
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }
}
