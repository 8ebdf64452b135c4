using System.Globalization;
using GiantVm.Scheduling.Model;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// The predicted signal: the steal ratio a node should show for a given guest (BE) demand, from
/// its host's LC busy cores and capacity. When LC + guest demand exceed the capacity, the host
/// shares it in proportion to demand, and the part of the guest's demand not served is stolen;
/// the ratio is that over the node's vCPUs (the same quantity the guest measures).
/// </summary>
internal static class LoadModel
{
    /// <summary>Whether the node carries the host figures the model needs.</summary>
    public static bool Applies(NodeSnapshot node) =>
        node.HostCapacityCores is > 0 && LcCores(node) is >= 0;

    /// <summary>The host's LC load in cores: its LC demand when reported, else its LC busy cores (older agents).</summary>
    public static double? LcCores(NodeSnapshot node) => node.HostLcDemandCores ?? node.HostLcBusyCores;

    /// <summary>
    /// Host overload for <paramref name="guestDemandCores"/> of BE demand on the node: (LC busy cores +
    /// BE demand - capacity) / capacity, at least 0; 0 without host figures. In a CFS-shared host the
    /// LC work loses up to this much (LC over its share) or the guest has it stolen (guest over its share).
    /// </summary>
    public static double Overload(NodeSnapshot node, double guestDemandCores) => Math.Max(0, Load(node, guestDemandCores));

    /// <summary>(LC busy cores + BE demand - capacity) / capacity: the overload, negative for headroom; 0 without host figures.</summary>
    public static double Load(NodeSnapshot node, double guestDemandCores)
    {
        if (!Applies(node))
        {
            return 0;
        }

        var capacity = node.HostCapacityCores!.Value;
        return (LcCores(node)!.Value + Math.Max(0, guestDemandCores) - capacity) / capacity;
    }

    /// <summary>
    /// LC harm in cores for <paramref name="guestDemandCores"/> of BE demand: the host overload
    /// max(0, LC + BE - capacity), but at most LC - <paramref name="lcShare"/> x capacity: under
    /// contention CFS still gives the LC work its share (its weight over the LC and vCPU weights), so
    /// overload beyond what would take LC below it is the guest's steal, not LC's loss.
    /// <paramref name="lcShare"/> 0 counts every core of overload. 0 without host figures.
    /// </summary>
    public static double HarmCores(NodeSnapshot node, double guestDemandCores, double lcShare)
    {
        if (!Applies(node))
        {
            return 0;
        }

        var capacity = node.HostCapacityCores!.Value;
        var overload = Load(node, guestDemandCores) * capacity;
        return Math.Max(0, lcShare > 0 ? Math.Min(overload, LcCores(node)!.Value - (lcShare * capacity)) : overload);
    }

    /// <summary><see cref="HarmCores"/> as a fraction of the host's capacity (the <c>lc_harm</c> reading's host part).</summary>
    public static double Harm(NodeSnapshot node, double guestDemandCores, double lcShare) =>
        Applies(node) ? HarmCores(node, guestDemandCores, lcShare) / node.HostCapacityCores!.Value : 0;

    /// <summary>Predicted steal ratio for <paramref name="guestDemandCores"/>; 0 without host figures.</summary>
    public static double Steal(NodeSnapshot node, int? vcpus, double guestDemandCores)
    {
        if (!Applies(node) || guestDemandCores <= 0)
        {
            return 0;
        }

        var capacity = node.HostCapacityCores!.Value;
        var lc = LcCores(node)!.Value;
        var total = lc + guestDemandCores;
        if (total <= capacity)
        {
            return 0;
        }

        var stolen = guestDemandCores * (total - capacity) / total;
        var cpus = vcpus is > 0 ? vcpus.Value : Math.Max(1.0, Math.Ceiling(guestDemandCores));
        return Math.Clamp(stolen / cpus, 0, 1);
    }

    /// <summary>Number of CPUs in a Linux cpu list (<c>0-3,8,10-11</c> = 7); null when absent or malformed.</summary>
    public static int? CountCpus(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return null;
        }

        var count = 0;
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    return null;
                }

                count++;
            }
            else if (int.TryParse(part.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var lo)
                     && int.TryParse(part.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var hi)
                     && hi >= lo)
            {
                count += hi - lo + 1;
            }
            else
            {
                return null;
            }
        }

        return count;
    }
}
