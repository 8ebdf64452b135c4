using System.Text.Json;
using GiantVm.Coordinator.Persistence;
using GiantVm.Deploy.Tests.Infrastructure;

namespace GiantVm.Deploy.Tests;

/// <summary>
/// The optional giantvm_postgres_lab role applied for real: a PostgreSQL cluster with the
/// coordinators' database and user, reachable with the password the coordinators were given,
/// from the files the play wrote for them (no giantvm_store in the inventory).
/// </summary>
[Collection(AnsibleCollection.Name)]
[Trait("Category", "e2e")]
public sealed class PostgresLabTests(PostgresLabDeployment lab) : IClassFixture<PostgresLabDeployment>
{
    [Fact]
    public void FirstRun_InstallsTheLabAndTheCoordinators_WithoutFailures()
    {
        Assert.True(lab.FirstRun.ExitCode == 0, lab.FirstRun.Describe());
        var recap = PlayRecap.Parse(lab.FirstRun.Output);
        Assert.Equal([.. PostgresLabDeployment.Coordinators, PostgresLabDeployment.LabHost], recap.Hosts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, recap.Failed);
        Assert.True(recap.Hosts[PostgresLabDeployment.LabHost].Changed > 0, lab.FirstRun.Describe());
        Assert.DoesNotContain(File.ReadAllText(lab.PasswordFile).Trim(), lab.FirstRun.Output, StringComparison.Ordinal); // no_log
    }

    [Fact]
    public void SecondRun_ChangesNothing()
    {
        Assert.True(lab.SecondRun.ExitCode == 0, lab.SecondRun.Describe());
        Assert.True(PlayRecap.Parse(lab.SecondRun.Output).Changed == 0, "the second run changed something:\n" + lab.SecondRun.Describe());
    }

    [Fact]
    public void CheckDiffRun_OnTheInstalledLab_SucceedsAndChangesNothing()
    {
        Assert.True(lab.CheckRun.ExitCode == 0, lab.CheckRun.Describe());
        Assert.True(PlayRecap.Parse(lab.CheckRun.Output).Changed == 0, "--check --diff reported changes:\n" + lab.CheckRun.Describe());
    }

    [Fact]
    public async Task GeneratedPassword_IsKeptOnTheControllerForItsOwnerOnly()
    {
        var password = File.ReadAllText(lab.PasswordFile).Trim();
        Assert.Matches("^[A-Za-z0-9]{32}$", password);
        var stat = await ProcessRunner.RunAsync("stat", ["-c", "%a", lab.PasswordFile], "/", timeout: TimeSpan.FromSeconds(30));
        Assert.Equal("600", stat.StdOut.Trim());
    }

    [Theory]
    [InlineData("coord0")]
    [InlineData("coord1")]
    [InlineData("coord2")]
    public void Coordinators_GetTheLabStoreAndItsPassword(string host)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(lab.Installed(host, "/etc/giantvm/coordinator.json")));
        var coordinator = json.RootElement.GetProperty("Coordinator");
        Assert.Equal($"postgres://giantvm@127.0.0.1:{lab.Port}/giantvm", coordinator.GetProperty("Store").GetString());
        Assert.Equal("/etc/giantvm/store-password", coordinator.GetProperty("StorePasswordFile").GetString());
        Assert.Equal(File.ReadAllText(lab.PasswordFile), File.ReadAllText(lab.Installed(host, "/etc/giantvm/store-password")));
    }

    [Fact]
    public void PgHba_LetsInOnlyTheCoordinators_ForTheirDatabaseAndUser_WithScram_BeforeTheDefaults()
    {
        var rules = File.ReadAllLines(lab.ClusterConfig("pg_hba.conf"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToList();
        Assert.Equal(
            [
                "host giantvm giantvm 127.0.0.1/32 scram-sha-256",
                "host giantvm giantvm 127.0.0.2/32 scram-sha-256",
                "host giantvm giantvm 127.0.0.3/32 scram-sha-256",
            ],
            rules.Take(3));
    }

    [Fact]
    public async Task CreatedUser_ConnectsWithItsPassword_AndOwnsItsDatabase()
    {
        var password = File.ReadAllText(lab.PasswordFile).Trim();
        var psql = await lab.PsqlAsync(
            "giantvm", password, "giantvm",
            "select current_user, current_database(), pg_get_userbyid(datdba) from pg_database where datname = current_database()");
        Assert.True(psql.ExitCode == 0, psql.Describe());
        Assert.Equal("giantvm|giantvm|giantvm", psql.StdOut.Trim());
    }

    [Fact]
    public async Task WrongPassword_IsRefused()
    {
        var psql = await lab.PsqlAsync("giantvm", "not-the-password", "giantvm", "select 1");
        Assert.True(psql.ExitCode != 0, psql.Describe());
        Assert.Contains("password authentication failed for user \"giantvm\"", psql.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CoordinatorsStoreCode_WithTheInstalledFiles_CreatesItsTables()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(lab.Installed("coord1", "/etc/giantvm/coordinator.json")));
        var store = StoreLocation.Parse(
            json.RootElement.GetProperty("Coordinator").GetProperty("Store").GetString()!,
            File.ReadAllText(lab.Installed("coord1", "/etc/giantvm/store-password")).TrimEnd('\r', '\n'));
        var db = new MigrationLogDb(store);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await db.EnsureSchemaAsync(timeout.Token);
        var tables = await lab.PsqlAsync(
            "giantvm", File.ReadAllText(lab.PasswordFile).Trim(), "giantvm",
            "select tablename from pg_tables where tableowner = 'giantvm' and tablename like 'giantvm_%' order by 1");
        Assert.True(tables.ExitCode == 0, tables.Describe());
        Assert.Contains("giantvm_migration_log", tables.StdOut.Split('\n'));
    }
}
