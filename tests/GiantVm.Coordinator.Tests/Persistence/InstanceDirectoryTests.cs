using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Persistence;
using GiantVm.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GiantVm.Coordinator.Tests.Persistence;

/// <summary>
/// The instances the cluster serves, in a real SQLite file and a real (throwaway) PostgreSQL: an
/// instance is recorded once, up to --max-vms of them; a member that did not record an instance
/// itself still finds it (it is in the store, not in a member's memory).
/// </summary>
public sealed class InstanceDirectoryTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("giantvm-instances-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private static InstanceDirectory NewDirectory(MigrationLogDb db, int maxVms) =>
        new(db, new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero)), Options.Create(new CoordinatorOptions { MaxVms = maxVms }));

    private static async Task AdmitsUpToMaxVmsAsync(MigrationLogDb db)
    {
        var member1 = NewDirectory(db, maxVms: 2);
        var member2 = NewDirectory(db, maxVms: 2);

        Assert.True(await member1.AdmitAsync("a", Ct));
        Assert.True(await member1.AdmitAsync("a", Ct)); // again: still one instance
        Assert.True(await member2.AdmitAsync("b", Ct));
        Assert.False(await member2.AdmitAsync("c", Ct)); // a third exceeds --max-vms 2
        Assert.False(await member1.AdmitAsync("c", Ct));
        Assert.True(await member1.AdmitAsync("b", Ct)); // known ones stay admitted on every member

        Assert.Equal(["a", "b"], await member2.ListAsync(Ct));
        Assert.Equal(["a", "b"], await NewDirectory(db, maxVms: 2).ListAsync(Ct)); // a member started later
    }

    [Fact]
    public Task Sqlite_AdmitsUpToMaxVms_AndEveryMemberSeesThem() =>
        AdmitsUpToMaxVmsAsync(new MigrationLogDb(StoreLocation.Parse("sqlite:" + Path.Combine(_folder.FullName, "giantvm.db"))));

    [Fact]
    [Trait("Category", "postgres")]
    public async Task Postgres_AdmitsUpToMaxVms_AndEveryMemberSeesThem()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        await AdmitsUpToMaxVmsAsync(new MigrationLogDb(StoreLocation.Parse(postgres.StoreUri)));
    }

    [Fact]
    public async Task WhileTheStoreCannotBeRead_TheInstancesThisMemberSaw_AreListed()
    {
        var file = Path.Combine(_folder.FullName, "giantvm.db");
        var directory = NewDirectory(new MigrationLogDb(StoreLocation.Parse("sqlite:" + file)), maxVms: 10);
        Assert.True(await directory.AdmitAsync("b", Ct));
        Assert.True(await directory.AdmitAsync("a", Ct));

        SqliteConnection.ClearAllPools();
        File.Delete(file); // the next query finds no table: the store cannot answer

        Assert.Equal(["a", "b"], await directory.ListAsync(Ct));
    }

    [Fact]
    public async Task AStoreThatIsNotThere_IsAnError_NotAnAdmission()
    {
        var db = new MigrationLogDb(StoreLocation.Parse("postgres://giantvm@127.0.0.1:1/giantvm"));
        await Assert.ThrowsAnyAsync<Exception>(() => NewDirectory(db, 10).AdmitAsync("a", Ct));
    }
}
