namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>
/// Tests that change nothing on this machine (ansible-lint, the syntax check, the playbook's
/// checks with --tags validate, each in a folder of its own): they run one at a time, beside the
/// <see cref="AnsibleCollection"/> (whose playbook runs use one core: ansible -f 1).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ValidationCollection
{
    public const string Name = "ansible-validate";
}
