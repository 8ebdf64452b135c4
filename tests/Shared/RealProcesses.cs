namespace GiantVm.Testing;

/// <summary>
/// The collection of the tests that start real processes (binaries, clusters, child processes):
/// they run one at a time and never beside another test of their project, so that their
/// timing holds on a loaded 2-core machine. Put <c>[Collection(RealProcesses.Name)]</c> on the class.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealProcesses
{
    public const string Name = "real processes";
}
