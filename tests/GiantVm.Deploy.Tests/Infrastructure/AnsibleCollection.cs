namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>
/// Every test that runs the playbook for real: one at a time (they create the same system users on
/// this machine), sharing one staged deployment. The ones that change nothing are in
/// <see cref="ValidationCollection"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AnsibleCollection : ICollectionFixture<StagedDeployment>
{
    public const string Name = "ansible";
}
