using System.Collections.Immutable;
using GiantVm.Scheduling.Model;

namespace GiantVm.Coordinator.Rebalancing;

/// <summary>
/// The latest reports of one GiantVM instance, turned into the decision core's
/// <see cref="Snapshot"/>. Nodes and tasks come from the newest guest report (its age is the
/// node's freshness); LC data comes from host reports and stays absent (null, not zero) for
/// nodes without a host agent. Immutable: each report gives a new view.
/// </summary>
public sealed record ClusterView(
    GuestReportData? Guest,
    DateTimeOffset? GuestReceivedAt,
    ImmutableDictionary<int, HostReportData> Hosts,
    ImmutableDictionary<int, DateTimeOffset> HostReceivedAt)
{
    public static ClusterView Empty { get; } = new(null, null, ImmutableDictionary<int, HostReportData>.Empty, ImmutableDictionary<int, DateTimeOffset>.Empty);

    public ClusterView WithGuestReport(GuestReportData report, DateTimeOffset receivedAt) =>
        this with { Guest = report, GuestReceivedAt = receivedAt };

    public ClusterView WithHostReport(HostReportData report, DateTimeOffset receivedAt) =>
        this with { Hosts = Hosts.SetItem(report.NodeId, report), HostReceivedAt = HostReceivedAt.SetItem(report.NodeId, receivedAt) };

    /// <summary>The snapshot at <paramref name="now"/>; drained nodes are marked.</summary>
    public Snapshot ToSnapshot(DateTimeOffset now, IReadOnlySet<int> drained)
    {
        if (Guest is null || GuestReceivedAt is null)
        {
            return new Snapshot(now, [], []);
        }

        var age = Math.Max(0, (now - GuestReceivedAt.Value).TotalSeconds);
        var nodes = Guest.Nodes
            .OrderBy(n => n.Id)
            .Select(n =>
            {
                Hosts.TryGetValue(n.Id, out var host);
                return new NodeSnapshot(n.Id, n.StealRatio)
                {
                    Cpus = string.IsNullOrEmpty(n.Cpus) ? null : n.Cpus,
                    MemTotalBytes = n.MemTotalBytes,
                    MemFreeBytes = n.MemFreeBytes,
                    AgeSeconds = age,
                    Drained = drained.Contains(n.Id),
                    HostStealRatio = host?.VcpuStealRatio,
                    HostLcBusyCores = host?.LcBusyCores,
                    HostLcDemandCores = host?.LcDemandCores,
                    HostCapacityCores = host?.CapacityCores,
                };
            })
            .ToList();
        return new Snapshot(now, nodes, Guest.Tasks);
    }
}
