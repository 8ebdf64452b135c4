using Npgsql;

namespace GiantVm.Coordinator.Tests.State;

/// <summary>The throwaway PostgreSQL the store tests use is a real server, and goes away after.</summary>
[Trait("Category", "postgres")]
public sealed class TestPostgresTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_GivesARealServer_ThatKeepsWhatIsWritten_AcrossARestart_AndIsRemovedAfter()
    {
        string dataDirectory;
        int port;
        await using (var postgres = await TestPostgres.StartAsync(Ct))
        {
            dataDirectory = postgres.DataDirectory;
            port = postgres.Port;
            await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
            {
                await connection.OpenAsync(Ct);
                Assert.StartsWith("PostgreSQL ", (string?)await new NpgsqlCommand("select version()", connection).ExecuteScalarAsync(Ct), StringComparison.Ordinal);
                await new NpgsqlCommand("create table t (id int primary key); insert into t values (42)", connection).ExecuteNonQueryAsync(Ct);
            }

            await postgres.RestartServerAsync(Ct);

            await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
            {
                await connection.OpenAsync(Ct);
                Assert.Equal(42, (int?)await new NpgsqlCommand("select id from t", connection).ExecuteScalarAsync(Ct));
            }
        }

        Assert.False(Directory.Exists(dataDirectory));
        await using var gone = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username={TestPostgres.User};Database={TestPostgres.Database};Pooling=false;Timeout=2");
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => gone.OpenAsync(Ct));
    }
}
