using GiantVm.Coordinator.Persistence;
using GiantVm.Testing;
using Npgsql;

namespace GiantVm.Coordinator.Tests.Persistence;

public sealed class RebalancerFenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, "b", new string[0], true)]            // never taken
    [InlineData("b", "b", new[] { "a", "b" }, true)]        // held by this member already (a new incarnation of its event log)
    [InlineData("a", "b", new[] { "b", "c" }, true)]        // the holder was downed or left: failover
    [InlineData("a#1", "a#2", new[] { "a#2" }, true)]       // the holder's member restarted (a new unique address)
    [InlineData("", "a", new[] { "a", "b" }, true)]         // released by a rebalancer that stopped on a live member (shard hand-off)
    [InlineData("b", "a", new[] { "a", "b", "c" }, false)]  // a deposed member, resumed, sees its successor Up
    public void MayTake_OnlyWhenTheHolderIsThisMemberOrNoUpMember(string? holder, string self, string[] up, bool expected) =>
        Assert.Equal(expected, RebalancerFence.MayTake(holder is null ? null : new FenceHolder(3, holder), self, up.ToHashSet()));

    /// <summary>
    /// A shard hand-off between two live members: the rebalancer stopping on m1 releases the
    /// fence, so m2 may take it although m1 is Up; a release by a writer that no longer holds it
    /// changes nothing (m1 cannot take it back while m2 is Up).
    /// </summary>
    [Fact]
    [Trait("Category", "postgres")]
    public async Task Postgres_AReleasedFence_IsTakenByTheNextMember_AndOnlyItsHolderReleasesIt()
    {
        await using var postgres = await TestPostgres.StartAsync(Ct);
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var create = new NpgsqlCommand("CREATE TABLE journal (persistence_id varchar(255) NOT NULL, sequence_number bigint NOT NULL)", connection);
            await create.ExecuteNonQueryAsync(Ct); // the trigger's table (Akka.Persistence.Sql creates the real one)
        }

        HashSet<string> up = ["m1", "m2"];
        var m1 = new RebalancerFence(postgres.ConnectionString, "writer-1", () => "m1", () => up);
        var m2 = new RebalancerFence(postgres.ConnectionString, "writer-2", () => "m2", () => up);

        Assert.Equal(1, m1.Take("giantvm"));
        Assert.Contains("held by m1", Assert.Throws<InvalidOperationException>(() => m2.Take("giantvm")).Message);
        m1.Release("giantvm");
        Assert.Equal(2, m2.Take("giantvm"));
        m1.Release("giantvm"); // no longer the holder: nothing changes
        Assert.Contains("held by m2", Assert.Throws<InvalidOperationException>(() => m1.Take("giantvm")).Message);
    }
}
