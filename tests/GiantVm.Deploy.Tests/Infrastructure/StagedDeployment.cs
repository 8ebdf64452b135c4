using System.Text.Json;

namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>
/// The playbook run for real against this machine (<c>-c local</c>) for an inventory of two
/// physical hosts, the guest and three coordinators, each inventory host installing into its own
/// staging root; services are not managed (no systemd here). System users are created for real.
/// Runs three times: the install, a second run (must change nothing) and a --check --diff run.
/// The agent and giantvmctl are published framework-dependent (quick); the coordinator itself is left out.
/// <c>GIANTVM_TEST_AGENT</c> names an agent executable to install instead of publishing one
/// (scripts/test.sh: its NativeAOT publish, the agent as shipped, built once for every phase),
/// <c>GIANTVM_TEST_CTL</c> a framework-dependent giantvmctl (scripts/test.sh publishes it with
/// scripts/publish.sh --framework-dependent beside the in-process tests).
/// TLS as by default: the first run issues the CA and the identities into <see cref="TlsDir"/>.
/// </summary>
public sealed class StagedDeployment : IAsyncLifetime
{
    public static readonly string[] HostNodes = ["node0", "node1"];
    public const string Guest = "guest";
    public static readonly string[] Coordinators = ["coord0", "coord1", "coord2"];

    /// <summary>The guest's BE comm regex: with "$" and "|" it exercises ExecStart quoting.</summary>
    public const string GuestBeComm = "^(batch|spark)$";

    private readonly TempFolder _root = new("giantvm-deploy");

    public string BinDir => _root.Combine("bin");

    public string Inventory => _root.Combine("inventory.ini");

    /// <summary>giantvm_tls_dir: the controller's CA and identities (scripts/gen-certs.sh --out).</summary>
    public string TlsDir => _root.Combine("certs");

    /// <summary>The fixture's own publish, or null when both executables were given (GIANTVM_TEST_AGENT, GIANTVM_TEST_CTL).</summary>
    internal ProcessResult? Publish { get; private set; }

    /// <summary>The repository's HEAD when the agent was published (what its --version must name).</summary>
    public string CommitAtPublish { get; private set; } = "";

    internal ProcessResult FirstRun { get; private set; } = null!;

    internal ProcessResult SecondRun { get; private set; } = null!;

    internal ProcessResult CheckRun { get; private set; } = null!;

    /// <summary>The staging root of an inventory host: the files it installed are below it.</summary>
    public string StageRoot(string host) => _root.Combine("stage", host);

    /// <summary>A file installed on an inventory host, by its path on the node ("/etc/giantvm/...").</summary>
    public string Installed(string host, string absolutePath) => StageRoot(host) + absolutePath;

    internal JsonDocument Json(string host, string absolutePath) =>
        JsonDocument.Parse(File.ReadAllText(Installed(host, absolutePath)));

    internal UnitFile Unit(string host, string name) =>
        UnitFile.Parse(File.ReadAllText(Installed(host, $"/etc/systemd/system/{name}")));

    public string[] ExtraVars =>
    [
        "-e", "giantvm_manage_services=false",
        "-e", $"giantvm_bin_dir={BinDir}",
        "-e", "{\"giantvm_coordinator_binaries\": [\"giantvmctl\"]}",
        "-e", $"giantvm_tls_dir={TlsDir}",
        // three members share one store: a PostgreSQL the deployment points at (not started here)
        "-e", $"giantvm_store={StoreUri}",
        "-e", "giantvm_store_password=staging-secret",
    ];

    /// <summary>The shared store the staged three-member coordinator group is given.</summary>
    public const string StoreUri = "postgres://giantvm@db.example:5432/giantvm?sslmode=require";

    public async ValueTask InitializeAsync()
    {
        AnsibleRunner.RequireTool("ansible-playbook");
        var head = await ProcessRunner.RunAsync("git", ["rev-parse", "HEAD"], RepoPaths.Root, timeout: TimeSpan.FromSeconds(30));
        CommitAtPublish = head.StdOut.Trim();
        // Executables given by the environment are copied before the publish of the others, so
        // that its SHA256SUMS lists them too.
        Directory.CreateDirectory(BinDir);
        var only = new List<string>();
        foreach (var (variable, name, shortName) in new[] { ("GIANTVM_TEST_AGENT", "giantvm-agent", "agent"), ("GIANTVM_TEST_CTL", "giantvmctl", "ctl") })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } given)
            {
                if (!File.Exists(given))
                {
                    throw new FileNotFoundException($"{variable} names no file", given);
                }

                File.Copy(given, Path.Combine(BinDir, name));
            }
            else
            {
                only.Add(shortName);
            }
        }

        if (only.Count > 0)
        {
            Publish = await ProcessRunner.RunAsync(
                Path.Combine(RepoPaths.Scripts, "publish.sh"),
                ["--out", BinDir, "--only", string.Join(',', only), "--framework-dependent"],
                RepoPaths.Root,
                new Dictionary<string, string> { ["DOTNET_ROOT"] = DotnetRoot.Path },
                TimeSpan.FromMinutes(10));
            if (Publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"publishing {string.Join(" and ", only)} failed: " + Publish.Describe());
            }
        }

        File.WriteAllText(Inventory, InventoryText());
        // One fork for the install: the hosts are all this machine, and creating the same system
        // user from several processes at once races on /etc/passwd. The later runs find the users
        // there (and --check writes nothing): their hosts go in parallel.
        FirstRun = await AnsibleRunner.PlaybookAsync(Inventory, ["-f", "1", .. ExtraVars]);
        SecondRun = await AnsibleRunner.PlaybookAsync(Inventory, ["-f", AnsibleRunner.ForksOnceInstalled, .. ExtraVars]);
        CheckRun = await AnsibleRunner.PlaybookAsync(Inventory, ["-f", AnsibleRunner.ForksOnceInstalled, "--check", "--diff", .. ExtraVars]);
    }

    private string InventoryText()
    {
        return $"""
            [all:vars]
            ansible_connection=local
            ansible_become=false
            ansible_python_interpreter=/usr/bin/python3

            [giantvm_hosts]
            node0 ansible_host=127.0.0.1 giantvm_node_id=0 giantvm_stage_root={StageRoot("node0")}
            node1 ansible_host=127.0.0.1 giantvm_node_id=1 giantvm_stage_root={StageRoot("node1")} giantvm_agent_lc_cgroup=lc.slice

            [giantvm_guest]
            guest ansible_host=127.0.0.1 giantvm_stage_root={StageRoot("guest")} giantvm_agent_be_comm='{GuestBeComm}'

            [giantvm_coordinators]
            coord0 ansible_host=127.0.0.1 giantvm_stage_root={StageRoot("coord0")}
            coord1 ansible_host=127.0.0.2 giantvm_stage_root={StageRoot("coord1")}
            coord2 ansible_host=127.0.0.3 giantvm_stage_root={StageRoot("coord2")}

            """;
    }

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}
