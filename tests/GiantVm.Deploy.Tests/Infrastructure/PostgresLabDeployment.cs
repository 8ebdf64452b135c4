namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>
/// site.yml applied for real to this machine (<c>-c local</c>) for an inventory of a lab
/// PostgreSQL host and three coordinators without giantvm_store: the giantvm_postgres_lab role
/// installs Debian's postgresql (present already: scripts/deps.sh), creates its own Debian cluster
/// (a fresh name, on a free port) with the database and user, and the coordinators (staging roots,
/// no executables, no services, plaintext on loopback) get the store URI and password. Runs the
/// install, a second run (must change nothing) and a --check --diff run of the lab host; the
/// cluster is dropped at the end (pg_dropcluster --stop).
/// </summary>
public sealed class PostgresLabDeployment : IAsyncLifetime
{
    public const string LabHost = "db";
    public static readonly string[] Coordinators = ["coord0", "coord1", "coord2"];

    private readonly TempFolder _root = new("giantvm-deploy-pglab");

    /// <summary>The Debian cluster the role creates (pg_lsclusters), unique to this run.</summary>
    public string Cluster { get; } = $"giantvm_test_{Guid.NewGuid():N}"[..24];

    public int Port { get; } = FreePort.Fixed();

    /// <summary>giantvm_postgres_lab_password_file: the password the play generates on the controller.</summary>
    public string PasswordFile => _root.Combine("postgres-lab", "password");

    public string Inventory => _root.Combine("inventory.ini");

    internal ProcessResult FirstRun { get; private set; } = null!;

    internal ProcessResult SecondRun { get; private set; } = null!;

    internal ProcessResult CheckRun { get; private set; } = null!;

    /// <summary>The PostgreSQL major version the cluster runs (from pg_lsclusters), or "" when it was not created.</summary>
    public string Version { get; private set; } = "";

    /// <summary>A file the play installed on a coordinator, by its path on the node.</summary>
    public string Installed(string host, string absolutePath) => _root.Combine("stage", host) + absolutePath;

    /// <summary>A file of the cluster's configuration (/etc/postgresql/VERSION/CLUSTER/NAME).</summary>
    public string ClusterConfig(string name) => $"/etc/postgresql/{Version}/{Cluster}/{name}";

    private string[] ExtraVars =>
    [
        "-e", "giantvm_manage_services=false",
        "-e", $"giantvm_bin_dir={_root.Combine("bin")}",
        "-e", "{\"giantvm_coordinator_binaries\": []}",
        "-e", "giantvm_tls_generate=false",
        "-e", $"giantvm_tls_dir={_root.Combine("certs")}",
        "-e", $"giantvm_postgres_lab_password_file={PasswordFile}",
    ];

    public async ValueTask InitializeAsync()
    {
        AnsibleRunner.RequireTool("ansible-playbook");
        File.WriteAllText(Inventory, $"""
            [all:vars]
            ansible_connection=local
            ansible_python_interpreter=/usr/bin/python3

            [giantvm_postgres_lab]
            {LabHost} ansible_host=127.0.0.1 giantvm_postgres_lab_cluster={Cluster} giantvm_postgres_lab_port={Port} ansible_become_method=su

            [giantvm_coordinators]
            coord0 ansible_host=127.0.0.1 giantvm_stage_root={_root.Combine("stage", "coord0")} ansible_become=false
            coord1 ansible_host=127.0.0.2 giantvm_stage_root={_root.Combine("stage", "coord1")} ansible_become=false
            coord2 ansible_host=127.0.0.3 giantvm_stage_root={_root.Combine("stage", "coord2")} ansible_become=false

            """);
        // Play failures are kept for the tests to report; the cluster is dropped either way.
        // One fork for the install (the coordinators create the same system user on this
        // machine); the second run finds it there: its hosts go in parallel.
        FirstRun = await AnsibleRunner.PlaybookAsync(Inventory, ["-f", "1", .. ExtraVars]);
        Version = await ClusterVersionAsync();
        SecondRun = await AnsibleRunner.PlaybookAsync(Inventory, ["-f", AnsibleRunner.ForksOnceInstalled, .. ExtraVars]);
        CheckRun = await AnsibleRunner.PlaybookAsync(Inventory, ["-f", "1", "--check", "--diff", "--limit", LabHost, .. ExtraVars]);
    }

    /// <summary>psql over TCP on 127.0.0.1 as <paramref name="user"/> with <paramref name="password"/>, no .psqlrc, unaligned output.</summary>
    internal Task<ProcessResult> PsqlAsync(string user, string password, string database, string sql) =>
        ProcessRunner.RunAsync(
            "psql",
            ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-U", user, "-d", database, "-c", sql],
            "/",
            new Dictionary<string, string> { ["PGPASSWORD"] = password, ["PGCONNECT_TIMEOUT"] = "10" },
            TimeSpan.FromMinutes(1));

    private async Task<string> ClusterVersionAsync()
    {
        var list = await ProcessRunner.RunAsync("pg_lsclusters", ["--no-header"], "/", timeout: TimeSpan.FromMinutes(1));
        return list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(columns => columns.Length > 1 && columns[1] == Cluster)?[0] ?? "";
    }

    public async ValueTask DisposeAsync()
    {
        var version = Version.Length > 0 ? Version : await ClusterVersionAsync();
        if (version.Length > 0)
        {
            await ProcessRunner.RunAsync("pg_dropcluster", ["--stop", version, Cluster], "/", timeout: TimeSpan.FromMinutes(2));
        }

        _root.Dispose();
    }
}
