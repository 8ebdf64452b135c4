using System.Text.RegularExpressions;
using GiantVm.Deploy.Tests.Infrastructure;

namespace GiantVm.Deploy.Tests;

/// <summary>The playbook run for real into staging roots: what it installed, and that it is idempotent.</summary>
[Collection(AnsibleCollection.Name)]
[Trait("Category", "e2e")]
public sealed partial class StagedDeploymentTests(StagedDeployment deployment)
{
    [Fact]
    public void FirstRun_InstallsOnEveryHost_WithoutFailures()
    {
        Assert.True(deployment.FirstRun.ExitCode == 0, deployment.FirstRun.Describe());
        var recap = PlayRecap.Parse(deployment.FirstRun.Output);
        Assert.Equal(
            [.. StagedDeployment.Coordinators, StagedDeployment.Guest, .. StagedDeployment.HostNodes],
            recap.Hosts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, recap.Failed);
        Assert.All(recap.Hosts, h => Assert.True(h.Value.Changed > 0, $"{h.Key} changed nothing on the first run"));
    }

    [Fact]
    public void SecondRun_ChangesNothing()
    {
        Assert.True(deployment.SecondRun.ExitCode == 0, deployment.SecondRun.Describe());
        var recap = PlayRecap.Parse(deployment.SecondRun.Output);
        Assert.True(recap.Changed == 0, "the second run changed something:\n" + deployment.SecondRun.Describe());
    }

    [Fact]
    public void CheckDiffRun_OnAnInstalledSystem_SucceedsAndChangesNothing()
    {
        Assert.True(deployment.CheckRun.ExitCode == 0, deployment.CheckRun.Describe());
        var recap = PlayRecap.Parse(deployment.CheckRun.Output);
        Assert.True(recap.Changed == 0, "--check --diff reported changes:\n" + deployment.CheckRun.Describe());
    }

    [Fact]
    public async Task CheckDiffRun_OnAFreshMachine_ShowsTheFilesAndChangesNothing()
    {
        // A machine the playbook never saw: a new staging root and service users that do not exist.
        var fresh = Path.Combine(Path.GetTempPath(), $"giantvm-deploy-fresh-{Guid.NewGuid():N}");
        var run = await AnsibleRunner.PlaybookAsync(
            deployment.Inventory,
            [
                "-f", "1", "--check", "--diff", "--limit", "guest,coord0", .. deployment.ExtraVars,
                "-e", $"giantvm_stage_root={fresh}",
                "-e", "giantvm_agent_user=giantvm-fresh-a", "-e", "giantvm_agent_group=giantvm-fresh-a",
                "-e", "giantvm_coordinator_user=giantvm-fresh-c", "-e", "giantvm_coordinator_group=giantvm-fresh-c",
            ]);
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.True(PlayRecap.Parse(run.Output).Changed > 0, "a fresh machine should need changes:\n" + run.Describe());
        Assert.Contains("+ExecStart=/opt/giantvm/bin/giantvm-agent run --config /etc/giantvm/agent.json", run.Output, StringComparison.Ordinal);
        Assert.Contains("+User=giantvm-fresh-c", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", run.Output, StringComparison.Ordinal); // no key in the diff
        Assert.False(Directory.Exists(fresh), $"--check wrote {fresh}");
        var user = await ProcessRunner.RunAsync("getent", ["passwd", "giantvm-fresh-a"], "/", timeout: TimeSpan.FromSeconds(30));
        Assert.True(user.ExitCode != 0, "--check created the user giantvm-fresh-a");
    }

    /// <summary>
    /// The completion the role installed is the installed giantvmctl's own, is valid bash, and
    /// sourced in a real bash completes <c>giantvmctl mi</c> to <c>migrations</c> with that binary.
    /// </summary>
    [Fact]
    public async Task InstalledBashCompletion_IsGiantvmctlsOwn_AndCompletesAVerb()
    {
        var script = deployment.Installed("coord0", "/etc/bash_completion.d/giantvmctl");
        var bin = Path.GetDirectoryName(deployment.Installed("coord0", "/opt/giantvm/bin/giantvmctl"))!;
        var env = new Dictionary<string, string> { ["DOTNET_ROOT"] = DotnetRoot.Path };
        var printed = await ProcessRunner.RunAsync(Path.Combine(bin, "giantvmctl"), ["completion", "bash"], "/", env, TimeSpan.FromMinutes(1));

        var syntax = await ProcessRunner.RunAsync("bash", ["-n", script], "/", timeout: TimeSpan.FromSeconds(30));
        var completed = await ProcessRunner.RunAsync("bash", ["-c",
            $"export PATH='{bin}':\"$PATH\"; source '{script}'; COMP_WORDS=(giantvmctl mi); COMP_CWORD=1; _giantvmctl_complete; printf '%s\\n' \"${{COMPREPLY[@]}}\""],
            "/", env, TimeSpan.FromMinutes(1));

        Assert.True(printed.ExitCode == 0, printed.Describe());
        Assert.Equal(printed.StdOut, File.ReadAllText(script));
        Assert.True(syntax.ExitCode == 0, syntax.Describe());
        Assert.True(completed.ExitCode == 0, completed.Describe());
        Assert.Equal("migrations\n", completed.StdOut);
    }

    [Theory]
    [InlineData("node0")]
    [InlineData("guest")]
    public async Task InstalledAgent_AnswersVersion_WithTheCommitItWasBuiltFrom(string host)
    {
        var agent = deployment.Installed(host, "/opt/giantvm/bin/giantvm-agent");
        var result = await ProcessRunner.RunAsync(
            agent, ["--version"], RepoPaths.Root,
            new Dictionary<string, string> { ["DOTNET_ROOT"] = DotnetRoot.Path }, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.Describe());
        var version = result.StdOut.Trim();
        Assert.Matches(VersionWithCommit(), version);
        Assert.EndsWith("+" + deployment.CommitAtPublish, version, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("giantvm-agent")]
    [InlineData("giantvm-coordinator")]
    public async Task ServiceUser_IsASystemUserWithoutLoginOrHome(string user)
    {
        var result = await ProcessRunner.RunAsync("getent", ["passwd", user], "/", timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"user {user} does not exist: {result.Describe()}");
        var fields = result.StdOut.Trim().Split(':');
        Assert.True(int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) < 1000, $"{user} is not a system user: {result.StdOut}");
        Assert.Equal("/nonexistent", fields[5]);
        Assert.Equal("/usr/sbin/nologin", fields[6]);
    }

    [Theory]
    [InlineData("node0", "/opt/giantvm/bin/giantvm-agent", "root", "root", "755")]
    [InlineData("node0", "/etc/giantvm/agent.json", "root", "giantvm-agent", "640")]
    [InlineData("guest", "/etc/systemd/system/giantvm-agent.service", "root", "root", "644")]
    [InlineData("coord1", "/etc/giantvm/coordinator.json", "root", "giantvm-coordinator", "640")]
    [InlineData("coord1", "/etc/giantvm/policy.yaml", "root", "giantvm-coordinator", "640")]
    [InlineData("coord1", "/etc/giantvm/store-password", "root", "giantvm-coordinator", "640")]
    [InlineData("coord1", "/etc/systemd/system/giantvm-coordinator.service", "root", "root", "644")]
    [InlineData("coord1", "/var/lib/giantvm-coordinator", "giantvm-coordinator", "giantvm-coordinator", "750")]
    [InlineData("coord1", "/opt/giantvm/bin/giantvmctl", "root", "root", "755")]
    [InlineData("coord1", "/etc/bash_completion.d/giantvmctl", "root", "root", "644")]
    [InlineData("node0", "/etc/giantvm/tls", "root", "root", "755")]
    [InlineData("node0", "/etc/giantvm/tls/ca.crt", "root", "root", "644")]
    [InlineData("node0", "/etc/giantvm/tls/host-giantvm-0.crt", "root", "root", "644")]
    [InlineData("node0", "/etc/giantvm/tls/host-giantvm-0.key", "root", "giantvm-agent", "640")]
    [InlineData("guest", "/etc/giantvm/tls/guest-giantvm.key", "root", "giantvm-agent", "640")]
    [InlineData("coord1", "/etc/giantvm/tls/coordinator-coord1.crt", "root", "root", "644")]
    [InlineData("coord1", "/etc/giantvm/tls/coordinator-coord1.key", "root", "giantvm-coordinator", "640")]
    public async Task InstalledFile_HasItsOwnerGroupAndMode(string host, string path, string owner, string group, string octalMode)
    {
        var file = deployment.Installed(host, path);
        Assert.True(File.Exists(file) || Directory.Exists(file), $"{path} was not installed on {host} ({file})");
        var stat = await ProcessRunner.RunAsync("stat", ["-c", "%U %G %a", file], "/", timeout: TimeSpan.FromSeconds(30));
        Assert.Equal($"{owner} {group} {octalMode}", stat.StdOut.Trim());
    }

    [Theory]
    [InlineData("node0", "host-giantvm-0")]
    [InlineData("node1", "host-giantvm-1")]
    [InlineData("guest", "guest-giantvm")]
    [InlineData("coord0", "coordinator-coord0")]
    [InlineData("coord2", "coordinator-coord2")]
    public void TlsFolder_HoldsTheCaCertificate_AndOnlyThisNodesOwnIdentity(string host, string identity)
    {
        var folder = deployment.Installed(host, "/etc/giantvm/tls");
        Assert.Equal(
            new[] { "ca.crt", identity + ".crt", identity + ".key" }.Order(StringComparer.Ordinal),
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(Path.Combine(deployment.TlsDir, "ca.crt")), File.ReadAllBytes(Path.Combine(folder, "ca.crt")));
    }

    [Fact]
    public void NoNode_GetsTheCaKeyOrAnOperatorsKey()
    {
        var keys = Directory.GetFiles(deployment.StageRoot(""), "*.key", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Equal(
            ["coordinator-coord0.key", "coordinator-coord1.key", "coordinator-coord2.key", "guest-giantvm.key", "host-giantvm-0.key", "host-giantvm-1.key"],
            keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Controller_HoldsTheCaAndEveryIdentityOfTheInventory_WithTheOperator()
    {
        Assert.Equal(
            [
                "ca.crt", "ca.key", "coordinator-coord0", "coordinator-coord1", "coordinator-coord2", "guest-giantvm",
                "host-giantvm-0", "host-giantvm-1", "operator-admin",
            ],
            Directory.GetFiles(deployment.TlsDir).Select(Path.GetFileName)
                .Select(f => f!.StartsWith("ca.", StringComparison.Ordinal) ? f : Path.GetFileNameWithoutExtension(f))
                .Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("node1", "host-giantvm-1", "URI:spiffe://giantvm/vm/giantvm/host/1")]
    [InlineData("guest", "guest-giantvm", "URI:spiffe://giantvm/vm/giantvm/guest")]
    [InlineData("coord1", "coordinator-coord1", "URI:spiffe://giantvm/coordinator/coord1, IP Address:127.0.0.2")]
    public async Task InstalledCertificate_ChainsToTheInstalledCa_AndNamesTheNodesIdentity(string host, string identity, string subjectAltName)
    {
        var tls = deployment.Installed(host, "/etc/giantvm/tls");
        var cert = Path.Combine(tls, identity + ".crt");
        var verify = await ProcessRunner.RunAsync("openssl", ["verify", "-CAfile", Path.Combine(tls, "ca.crt"), cert], "/", timeout: TimeSpan.FromSeconds(30));
        Assert.True(verify.ExitCode == 0, verify.Describe());
        var san = await ProcessRunner.RunAsync("openssl", ["x509", "-in", cert, "-noout", "-ext", "subjectAltName"], "/", timeout: TimeSpan.FromSeconds(30));
        Assert.True(san.ExitCode == 0, san.Describe());
        Assert.Equal(subjectAltName, san.StdOut.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[^1]);
        var keyPublic = await ProcessRunner.RunAsync("openssl", ["pkey", "-in", Path.Combine(tls, identity + ".key"), "-pubout"], "/", timeout: TimeSpan.FromSeconds(30));
        var certKey = await ProcessRunner.RunAsync("openssl", ["x509", "-in", cert, "-noout", "-pubkey"], "/", timeout: TimeSpan.FromSeconds(30));
        Assert.True(keyPublic.ExitCode == 0, keyPublic.Describe());
        Assert.Equal(certKey.StdOut, keyPublic.StdOut); // the key installed beside it is the certificate's
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\+[0-9a-f]{40}$")]
    private static partial Regex VersionWithCommit();
}
