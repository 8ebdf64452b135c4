namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>
/// Runs ansible-playbook and ansible-lint on the repository's ansible/ folder, without colours,
/// with its ansible.cfg and roles. A missing tool is a test failure that says how to install it.
/// </summary>
internal static class AnsibleRunner
{
    public static readonly TimeSpan PlaybookTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Forks (-f) for a run over hosts that are all this machine once the system users exist (a
    /// second run, a --check run): nothing they do races. An install that may create the users
    /// runs with -f 1.
    /// </summary>
    public const string ForksOnceInstalled = "6";

    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["ANSIBLE_NOCOLOR"] = "1",
        ["ANSIBLE_FORCE_COLOR"] = "0",
        ["NO_COLOR"] = "1",
        ["ANSIBLE_CONFIG"] = Path.Combine(RepoPaths.Ansible, "ansible.cfg"),
        ["ANSIBLE_ROLES_PATH"] = Path.Combine(RepoPaths.Ansible, "roles"),
        ["ANSIBLE_RETRY_FILES_ENABLED"] = "0",
        ["ANSIBLE_STDOUT_CALLBACK"] = "default",
        // the framework-dependent giantvmctl the role runs (giantvmctl completion bash)
        ["DOTNET_ROOT"] = DotnetRoot.Path,
    };

    /// <summary>The path of an ansible tool; throws (the test fails) when it is not installed.</summary>
    public static string RequireTool(string name) =>
        ProcessRunner.FindOnPath(name)
        ?? throw new InvalidOperationException(
            $"{name} is not installed (not on PATH): the deployment tests need ansible and ansible-lint; " +
            "install them with scripts/deps.sh (Debian packages ansible, ansible-lint)");

    /// <summary>ansible-playbook site.yml with this inventory and these extra arguments.</summary>
    public static Task<ProcessResult> PlaybookAsync(string inventory, params string[] args) =>
        ProcessRunner.RunAsync(
            RequireTool("ansible-playbook"),
            new[] { "-i", inventory, "site.yml" }.Concat(args),
            RepoPaths.Ansible,
            Environment,
            PlaybookTimeout);

    public static Task<ProcessResult> LintAsync() =>
        ProcessRunner.RunAsync(RequireTool("ansible-lint"), ["--nocolor"], RepoPaths.Ansible, Environment, PlaybookTimeout);
}
