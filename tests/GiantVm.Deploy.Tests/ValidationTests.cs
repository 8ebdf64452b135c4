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

    /// <summary>giantvm_tls_dir of these runs (never the repository's artifacts/certs).</summary>
    private string TlsDir => _folder.Combine("certs");

    private Task<ProcessResult> ValidateAsync(string inventory, params string[] extra) =>
        AnsibleRunner.PlaybookAsync(
            _folder.Write("inventory.ini", LocalVars + inventory),
            [
                "--tags", "validate", "-e", $"giantvm_bin_dir={_folder.Combine("bin")}", "-e", "{\"giantvm_coordinator_binaries\": []}",
                "-e", $"giantvm_tls_dir={TlsDir}", .. extra,
            ]);

    /// <summary>Installs the coordinator's and node0's files (no executables) into staging roots under this test's folder.</summary>
    private Task<ProcessResult> InstallConfigAsync(string coordinatorAddress, params string[] extra) =>
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

    private string Installed(string host, string absolutePath) => _folder.Combine("stage", host) + absolutePath;

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

    private const string ThreeCoordinators = """
        [giantvm_coordinators]
        coord0 ansible_host=127.0.0.1
        coord1 ansible_host=127.0.0.2
        coord2 ansible_host=127.0.0.3

        """;

    [Fact]
    public async Task CoordinatorCluster_WithoutASharedStore_StopsThePlay_SayingWhatToSet()
    {
        var run = await ValidateAsync(TwoHosts + Guest + ThreeCoordinators);
        AssertStopped(
            run, "a coordinator cluster of 3 members needs a store", "giantvm_store to postgres://USER@HOST:PORT/DB",
            "put one host in the group giantvm_postgres_lab");
    }

    [Fact]
    public async Task CoordinatorCluster_WithALabPostgresHost_PassesValidation_ItsStoreDefaultsToIt()
    {
        var run = await ValidateAsync(TwoHosts + Guest + ThreeCoordinators + "[giantvm_postgres_lab]\ndb ansible_host=192.0.2.30\n");
        Assert.True(run.ExitCode == 0, run.Describe());
    }

    [Fact]
    public async Task TwoLabPostgresHosts_StopThePlay()
    {
        var run = await ValidateAsync(
            TwoHosts + Guest + ThreeCoordinators + "[giantvm_postgres_lab]\ndb0 ansible_host=192.0.2.30\ndb1 ansible_host=192.0.2.31\n");
        AssertStopped(run, "the inventory group giantvm_postgres_lab has 2 hosts (db0, db1)", "runs on one host");
    }

    [Fact]
    public async Task LabPostgresUser_ThatIsNotAnSqlName_StopsThePlay()
    {
        var run = await ValidateAsync(
            TwoHosts + Guest + OneCoordinator + "[giantvm_postgres_lab]\ndb ansible_host=192.0.2.30\n", "-e", "giantvm_postgres_lab_user=Giant-VM");
        AssertStopped(run, "giantvm_postgres_lab_user 'Giant-VM' must be lower-case SQL names");
    }

    [Fact]
    public async Task OneCoordinator_WithoutAStore_KeepsSqliteInItsDataFolder()
    {
        var run = await InstallConfigAsync("127.0.0.1", "-e", "giantvm_tls_generate=false");
        Assert.True(run.ExitCode == 0, run.Describe());
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Installed("coord0", "/etc/giantvm/coordinator.json")));
        var coordinator = json.RootElement.GetProperty("Coordinator");
        Assert.False(coordinator.TryGetProperty("Store", out _)); // the coordinator's default: sqlite:<DataDir>/giantvm.db
        Assert.False(coordinator.TryGetProperty("StorePasswordFile", out _));
        Assert.Equal("/var/lib/giantvm-coordinator", coordinator.GetProperty("DataDir").GetString());
        Assert.False(File.Exists(Installed("coord0", "/etc/giantvm/store-password")));
    }

    [Fact]
    public async Task CoordinatorCluster_OnSqlite_StopsThePlay()
    {
        var run = await ValidateAsync(TwoHosts + Guest + ThreeCoordinators, "-e", "giantvm_store=sqlite:/var/lib/giantvm-coordinator/giantvm.db");
        AssertStopped(run, "needs a store", "got giantvm_store 'sqlite:/var/lib/giantvm-coordinator/giantvm.db'");
    }

    [Fact]
    public async Task StoreWithAPasswordInTheUri_StopsThePlay()
    {
        var run = await ValidateAsync(TwoHosts + Guest + ThreeCoordinators, "-e", "giantvm_store=postgres://giantvm:secret@db:5432/giantvm");
        AssertStopped(run, "is not sqlite:PATH or postgres://USER@HOST:PORT/DB", "giantvm_store_password");
    }

    [Fact]
    public async Task RetainThatIsNotADuration_StopsThePlay()
    {
        var run = await ValidateAsync(TwoHosts + Guest + OneCoordinator, "-e", "giantvm_retain=1w");
        AssertStopped(run, "giantvm_retain '1w' is not a duration such as 30d, 12h or 90m");
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
    public async Task CoordinatorBeyondLoopback_WithoutTlsMaterial_StopsThePlay_SayingHowToIssueIt()
    {
        var run = await ValidateAsync(
            TwoHosts + Guest + "[giantvm_coordinators]\ncoord0 ansible_host=192.0.2.10\n", "-e", "giantvm_tls_generate=false");
        AssertStopped(
            run,
            "coordinator coord0 on 192.0.2.10 would listen off loopback without TLS",
            $"scripts/gen-certs.sh --out {TlsDir} --vm giantvm --hosts 2 --members coord0@192.0.2.10 --operators admin",
            "giantvm_tls_generate=true");
        Assert.False(Directory.Exists(TlsDir), "validation issued certificates");
    }

    [Fact]
    public async Task ProvidedTlsMaterial_WithAMissingIdentity_StopsThePlay_NamingIt()
    {
        var issue = await ProcessRunner.RunAsync(
            Path.Combine(RepoPaths.Scripts, "gen-certs.sh"),
            ["--out", TlsDir, "--vm", "giantvm", "--hosts", "1", "--members", "coord0@127.0.0.1", "--operators", "admin"],
            RepoPaths.Root, timeout: TimeSpan.FromMinutes(1));
        Assert.True(issue.ExitCode == 0, issue.Describe());
        var run = await ValidateAsync(TwoHosts + Guest + OneCoordinator, "-e", "giantvm_tls_generate=false");
        AssertStopped(run, $"{TlsDir} lacks host-giantvm-1.crt, host-giantvm-1.key", "--hosts 2");
    }

    [Fact]
    public async Task CaCertificateWithoutItsKey_WhenIdentitiesAreMissing_StopsThePlay()
    {
        _folder.Write("certs/ca.crt", "not read: only its presence matters here");
        var run = await ValidateAsync(TwoHosts + Guest + OneCoordinator);
        AssertStopped(run, "it has ca.crt but not ca.key", "a new CA would invalidate");
    }

    [Fact]
    public async Task CoordinatorBeyondLoopback_WithGeneratedTls_ListensOnHttps_MetricsIncluded()
    {
        var run = await InstallConfigAsync("192.0.2.10");
        Assert.True(run.ExitCode == 0, run.Describe());
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Installed("coord0", "/etc/giantvm/coordinator.json")));
        Assert.Equal("https://192.0.2.10:5000", json.RootElement.GetProperty("urls").GetString());
        Assert.Equal("https://192.0.2.10:5001", json.RootElement.GetProperty("Coordinator").GetProperty("MetricsUrl").GetString());
        Assert.Equal("/etc/giantvm/tls/coordinator-coord0.key", json.RootElement.GetProperty("Coordinator").GetProperty("Tls").GetProperty("Key").GetString());
        Assert.Contains("\"Coordinator\": \"https://192.0.2.10:5000\"", File.ReadAllText(Installed("node0", "/etc/giantvm/agent.json")), StringComparison.Ordinal);
        Assert.Equal(["--config", "/etc/giantvm/coordinator.json", "--policy", "/etc/giantvm/policy.yaml"],
            UnitFile.Parse(File.ReadAllText(Installed("coord0", "/etc/systemd/system/giantvm-coordinator.service"))).ExecStart().Skip(1));
        var san = await ProcessRunner.RunAsync(
            "openssl", ["x509", "-in", Path.Combine(TlsDir, "coordinator-coord0.crt"), "-noout", "-ext", "subjectAltName"], "/", timeout: TimeSpan.FromSeconds(30));
        Assert.Contains("IP Address:192.0.2.10", san.StdOut, StringComparison.Ordinal); // the address the agents dial
    }

    [Fact]
    public async Task IdentitiesANodeNoLongerHas_AreRemoved_ItsOwnAndTheCaStay()
    {
        var first = await InstallConfigAsync("127.0.0.1");
        Assert.True(first.ExitCode == 0, first.Describe());
        // As if node0 had backed node 7 before, and coord0 had been member "old".
        var nodeTls = Installed("node0", "/etc/giantvm/tls");
        var coordTls = Installed("coord0", "/etc/giantvm/tls");
        File.WriteAllText(Path.Combine(nodeTls, "host-giantvm-7.key"), "stale");
        File.WriteAllText(Path.Combine(nodeTls, "host-giantvm-7.crt"), "stale");
        File.WriteAllText(Path.Combine(coordTls, "coordinator-old.key"), "stale");
        var second = await InstallConfigAsync("127.0.0.1");
        Assert.True(second.ExitCode == 0, second.Describe());
        Assert.Equal(["ca.crt", "host-giantvm-0.crt", "host-giantvm-0.key"], Directory.GetFiles(nodeTls).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["ca.crt", "coordinator-coord0.crt", "coordinator-coord0.key"], Directory.GetFiles(coordTls).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CoordinatorOnLoopback_WithoutTlsMaterial_InstallsThePlaintextDevelopmentMode()
    {
        var run = await InstallConfigAsync("127.0.0.1", "-e", "giantvm_tls_generate=false");
        Assert.True(run.ExitCode == 0, run.Describe());
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Installed("coord0", "/etc/giantvm/coordinator.json")));
        Assert.Equal("http://127.0.0.1:5000", json.RootElement.GetProperty("urls").GetString());
        Assert.False(json.RootElement.GetProperty("Coordinator").TryGetProperty("Tls", out _));
        Assert.Contains("\"Coordinator\": \"http://127.0.0.1:5000\"", File.ReadAllText(Installed("node0", "/etc/giantvm/agent.json")), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Installed("node0", "/etc/giantvm/tls")));
        Assert.False(Directory.Exists(TlsDir));
    }

    public void Dispose() => _folder.Dispose();
}
