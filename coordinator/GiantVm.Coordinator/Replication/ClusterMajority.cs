namespace GiantVm.Coordinator.Replication;

/// <summary>Majority arithmetic over the configured cluster size (not the members seen now).</summary>
public static class ClusterMajority
{
    /// <summary>Acknowledgements needed: more than half of <paramref name="clusterSize"/> (1 of 1, 2 of 3, 3 of 5).</summary>
    public static int Of(int clusterSize) => Math.Max(1, clusterSize) / 2 + 1;

    /// <summary>True when <paramref name="acks"/> distinct members make a majority of <paramref name="clusterSize"/>.</summary>
    public static bool Reached(int acks, int clusterSize) => acks >= Of(clusterSize);
}
