using System.Diagnostics;
using System.Globalization;

namespace GiantVm.Testing;

/// <summary>
/// A throwaway PostgreSQL server for tests (compiled into every test project): Debian's
/// <c>postgresql</c> binaries (installed by <c>scripts/deps.sh</c>), <c>initdb</c> and
/// <c>pg_ctl</c> in a temporary folder, listening on 127.0.0.1 at a free port, trust
/// authentication for the user <c>giantvm</c>, one database <c>giantvm</c>. Run as the
/// <c>postgres</c> user when the tests run as root (PostgreSQL refuses root). Stopped and its
/// folder removed on dispose. A real server: no mock.
/// </summary>
internal sealed class TestPostgres : IAsyncDisposable
{
    public const string User = "giantvm";
    public const string Database = "giantvm";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _folder;
    private readonly string? _netns;
    private bool _stopped;

    private TestPostgres(string bin, string folder, int port, string? netns, string host)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
        _netns = netns;
        Host = host;
    }

    public int Port { get; }

    /// <summary>The address the server listens on (127.0.0.1, or an address in the network namespace it runs in).</summary>
    public string Host { get; }

    /// <summary>The data folder (for a test that restarts the server).</summary>
    public string DataDirectory => Path.Combine(_folder, "data");

    /// <summary>An Npgsql connection string for <see cref="Database"/> as <see cref="User"/>.</summary>
    public string ConnectionString => $"Host={Host};Port={Port};Username={User};Database={Database};Pooling=false";

    /// <summary>The server as the coordinator's <c>--store</c> names it.</summary>
    public string StoreUri => $"postgres://{User}@{Host}:{Port}/{Database}";

    /// <summary>
    /// The folder of the newest installed PostgreSQL's binaries, or a message naming what to
    /// install (the tests fail with it: they are never skipped).
    /// </summary>
    public static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/deps.sh (Debian package postgresql)");
    }

    /// <summary>Creates, starts and opens a new server; throws with the server's log when it does not come up.</summary>
    public static Task<TestPostgres> StartAsync(CancellationToken cancellationToken = default) => StartAsync(null, null, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(CancellationToken)"/>, but the server runs in the network namespace
    /// <paramref name="netns"/> (one a test created) listening on <paramref name="address"/>, and
    /// accepts (trust) connections from that address's /24 (the processes in the test's other
    /// namespaces). Only processes in those namespaces reach it.
    /// </summary>
    public static async Task<TestPostgres> StartAsync(string? netns, string? address, CancellationToken cancellationToken)
    {
        var bin = FindBinaries();
        var folder = Directory.CreateTempSubdirectory("giantvm-pg-").FullName;
        try
        {
            if (IsRoot)
            {
                await RunAsync("chown", ["postgres:postgres", folder], asPostgres: false, cancellationToken);
            }

            await RunAsync(Path.Combine(bin, "initdb"),
                ["-D", Path.Combine(folder, "data"), "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"],
                asPostgres: true, cancellationToken);
            if (address is not null)
            {
                var lastDot = address.LastIndexOf('.');
                await File.AppendAllTextAsync(Path.Combine(folder, "data", "pg_hba.conf"), $"host all all {address[..lastDot]}.0/24 trust\n", cancellationToken);
            }

            for (var attempt = 1; ; attempt++)
            {
                var server = new TestPostgres(bin, folder, FreePort.Fixed(), netns, address ?? "127.0.0.1");
                try
                {
                    await server.StartServerAsync(cancellationToken);
                    await RunAsync(Path.Combine(bin, "createdb"), ["-h", server.Host, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", User, Database],
                        asPostgres: true, cancellationToken, netns: netns);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // most likely the port was taken between choosing and binding: another one
                    await server.StopServerAsync();
                }
            }
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    /// <summary><c>pg_ctl start</c> (waits until the server accepts connections).</summary>
    public Task StartServerAsync(CancellationToken cancellationToken = default)
    {
        _stopped = false;
        return RunAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", DataDirectory, "-o", $"-p {Port} -k {_folder} -c listen_addresses={Host}", "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "30", "start"],
            asPostgres: true, cancellationToken, logFile: Path.Combine(_folder, "server.log"), netns: _netns);
    }

    /// <summary><c>pg_ctl restart -m fast</c>, as an operator restarting the database would.</summary>
    public Task RestartServerAsync(CancellationToken cancellationToken = default) =>
        RunAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", DataDirectory, "-o", $"-p {Port} -k {_folder} -c listen_addresses={Host}", "-l", Path.Combine(_folder, "server.log"), "-m", "fast", "-w", "-t", "30", "restart"],
            asPostgres: true, cancellationToken, logFile: Path.Combine(_folder, "server.log"), netns: _netns);

    /// <summary><c>pg_ctl stop -m fast</c>; errors ignored (the server may be gone already).</summary>
    public async Task StopServerAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], asPostgres: true, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // not running
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        TryDelete(_folder);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken, string? logFile = null, string? netns = null)
    {
        // in a network namespace: ip netns exec NS [runuser -u postgres --] program args
        List<string> prefix = netns is null ? [] : ["ip", "netns", "exec", netns];
        if (asPostgres && IsRoot)
        {
            prefix.AddRange(["runuser", "-u", "postgres", "--"]);
        }

        var start = new ProcessStartInfo
        {
            FileName = prefix.Count > 0 ? prefix[0] : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (prefix.Count > 0)
        {
            foreach (var a in prefix.Skip(1).Append(program))
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish within {CommandTimeout.TotalSeconds:0} s");
        }

        if (process.ExitCode != 0)
        {
            var log = logFile is not null && File.Exists(logFile) ? "\nserver log:\n" + await File.ReadAllTextAsync(logFile, CancellationToken.None) : "";
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}{log}");
        }
    }
}
