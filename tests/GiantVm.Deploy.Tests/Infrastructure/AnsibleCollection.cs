namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>
/// Every test that runs the playbook: one at a time (they create the same system users on this
/// machine), sharing one staged deployment.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AnsibleCollection : ICollectionFixture<StagedDeployment>
{
    public const string Name = "ansible";
}
