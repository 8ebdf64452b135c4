using Microsoft.Data.Sqlite;
using Npgsql;

namespace GiantVm.Coordinator.Persistence;

/// <summary>Which database holds the rebalancers' journal and snapshots.</summary>
public enum StoreKind
{
    /// <summary>An embedded SQLite file: local to one member.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, shared by the members of a cluster.</summary>
    Postgres,
}

/// <summary>
/// A <c>--store</c> value: <c>sqlite:PATH</c> or <c>postgres://USER@HOST[:PORT]/DB[?sslmode=require]</c>
/// (the password never in the URI: it comes from the environment or a file).
/// </summary>
/// <param name="Display">The value as given, without a password (for logs and status).</param>
/// <param name="ConnectionString">For the ADO.NET provider.</param>
/// <param name="ProviderName">Linq2Db's provider name (what Akka.Persistence.Sql is configured with).</param>
/// <param name="SqlitePath">The database file's full path (SQLite only).</param>
public sealed record StoreLocation(StoreKind Kind, string Display, string ConnectionString, string ProviderName, string? SqlitePath = null)
{
    /// <summary>Parses a <c>--store</c> value; throws <see cref="FormatException"/> naming what is wrong and what is expected.</summary>
    /// <param name="password">The PostgreSQL password (null: none, e.g. trust or a client certificate).</param>
    public static StoreLocation Parse(string text, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            var path = text["sqlite:".Length..];
            if (path.Length == 0)
            {
                throw new FormatException($"--store {text}: the SQLite file is missing (expected sqlite:PATH, e.g. sqlite:/var/lib/giantvm/giantvm.db)");
            }

            var full = Path.GetFullPath(path);
            var connection = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
            return new StoreLocation(StoreKind.Sqlite, "sqlite:" + full, connection.ConnectionString, LinqToDB.ProviderName.SQLiteMS, full);
        }

        if (text.StartsWith("postgres://", StringComparison.Ordinal) || text.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            return ParsePostgres(text, password);
        }

        throw new FormatException($"--store {text}: expected sqlite:PATH or postgres://USER@HOST:PORT/DB");
    }

    private static StoreLocation ParsePostgres(string text, string? password)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"--store {text}: not a URI (expected postgres://USER@HOST:PORT/DB)");
        }

        var user = Uri.UnescapeDataString(uri.UserInfo);
        if (user.Length == 0 || user.Contains(':', StringComparison.Ordinal))
        {
            throw new FormatException(user.Length == 0
                ? $"--store {text}: the user is missing (expected postgres://USER@HOST:PORT/DB)"
                : "--store: put no password in the URI; give it in GIANTVM_STORE_PASSWORD or --store-password-file");
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException($"--store {text}: the database is missing (expected postgres://USER@HOST:PORT/DB)");
        }

        var ssl = SslMode.Prefer;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (k, v) : (pair, "");
            ssl = key == "sslmode"
                ? value switch
                {
                    "disable" => SslMode.Disable,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw new FormatException($"--store {text}: sslmode must be disable, prefer, require, verify-ca or verify-full"),
                }
                : throw new FormatException($"--store {text}: unknown parameter '{key}' (only sslmode is understood)");
        }

        var connection = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Username = user,
            Database = database,
            SslMode = ssl,
        };
        if (password is not null)
        {
            connection.Password = password;
        }

        var display = $"postgres://{Uri.EscapeDataString(user)}@{uri.Host}:{connection.Port}/{Uri.EscapeDataString(database)}{(ssl == SslMode.Prefer ? "" : "?sslmode=" + ssl.ToString().ToLowerInvariant())}";
        return new StoreLocation(StoreKind.Postgres, display, connection.ConnectionString, LinqToDB.ProviderName.PostgreSQL15);
    }

    public override string ToString() => Display;
}
