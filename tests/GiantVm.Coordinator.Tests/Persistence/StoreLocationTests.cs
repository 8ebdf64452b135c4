using GiantVm.Coordinator.Persistence;
using Npgsql;

namespace GiantVm.Coordinator.Tests.Persistence;

public sealed class StoreLocationTests
{
    [Theory]
    [InlineData("postgres://giantvm@db.example:5433/coord", "db.example", 5433, "giantvm", "coord", SslMode.Prefer, "postgres://giantvm@db.example:5433/coord")]
    [InlineData("postgres://ops@10.0.0.5/giantvm?sslmode=require", "10.0.0.5", 5432, "ops", "giantvm", SslMode.Require, "postgres://ops@10.0.0.5:5432/giantvm?sslmode=require")]
    [InlineData("postgresql://a@h:1/d?sslmode=verify-full", "h", 1, "a", "d", SslMode.VerifyFull, "postgres://a@h:1/d?sslmode=verifyfull")]
    public void Parse_Postgres_GivesTheConnection(string text, string host, int port, string user, string database, SslMode ssl, string display)
    {
        var store = StoreLocation.Parse(text, password: "s3cret");

        var connection = new NpgsqlConnectionStringBuilder(store.ConnectionString);
        Assert.Equal(StoreKind.Postgres, store.Kind);
        Assert.Equal((host, port, user, database, ssl, "s3cret"), (connection.Host, connection.Port, connection.Username, connection.Database, connection.SslMode, connection.Password));
        Assert.Equal(display, store.Display);
        Assert.DoesNotContain("s3cret", store.Display, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Sqlite_TakesTheFullPath()
    {
        var store = StoreLocation.Parse("sqlite:data/giantvm.db");

        Assert.Equal(StoreKind.Sqlite, store.Kind);
        Assert.Equal("sqlite:" + Path.GetFullPath("data/giantvm.db"), store.Display);
        Assert.Contains(Path.GetFullPath("data/giantvm.db"), store.ConnectionString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite:", "the SQLite file is missing")]
    [InlineData("mysql://x@y/z", "expected sqlite:PATH or postgres://")]
    [InlineData("postgres://db.example/giantvm", "the user is missing")]
    [InlineData("postgres://u:pw@db.example/giantvm", "put no password in the URI")]
    [InlineData("postgres://u@db.example/", "the database is missing")]
    [InlineData("postgres://u@db.example/d?sslmode=maybe", "sslmode must be")]
    [InlineData("postgres://u@db.example/d?timeout=3", "unknown parameter 'timeout'")]
    public void Parse_OfABadValue_SaysWhatIsWrong(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => StoreLocation.Parse(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
