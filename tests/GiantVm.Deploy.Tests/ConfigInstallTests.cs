using GiantVm.Deploy.Tests.Infrastructure;

namespace GiantVm.Deploy.Tests;

/// <summary>
/// The coordinator's and node0's configuration installed for real into staging roots (--tags
/// validate,users,config,units): what the settings the checks let through turn into. They create
/// the system users, so they run in the ansible collection, one at a time with the other runs.
/// </summary>
[Collection(AnsibleCollection.Name)]
[Trait("Category", "e2e")]
public sealed class ConfigInstallTests : SitePlaybookTests
{
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
}
