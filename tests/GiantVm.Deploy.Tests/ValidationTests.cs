using GiantVm.Deploy.Tests.Infrastructure;

namespace GiantVm.Deploy.Tests;

/// <summary>
/// The checks site.yml makes before it changes anything: each bad inventory stops the play
/// (--tags validate) with a message that names the problem. They change nothing on this machine,
/// so they run beside the playbook runs of the ansible collection.
/// </summary>
[Collection(ValidationCollection.Name)]
[Trait("Category", "e2e")]
public sealed class ValidationTests : SitePlaybookTests
{
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
}
