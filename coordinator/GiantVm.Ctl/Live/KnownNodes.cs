using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;

namespace GiantVm.Ctl.Live;

/// <summary>Checks a node id given on the command line against the nodes the coordinator knows (unknown node: exit 2).</summary>
internal static class KnownNodes
{
    public static void Require(CoordinatorClient client, uint node)
    {
        var nodes = client.Call((c, ct) => c.ListNodesAsync(new NodesRequest(), ct)).Nodes.Select(n => n.NodeId).Order().ToList();
        Check(nodes, node);
    }

    public static void Check(IReadOnlyList<uint> known, uint node)
    {
        if (!known.Contains(node))
        {
            throw CtlException.Input(known.Count == 0
                ? $"unknown node {node}: the coordinator knows no nodes yet (no guest agent has reported)"
                : $"unknown node {node}: the coordinator knows node{(known.Count == 1 ? "" : "s")} {string.Join(", ", known)}");
        }
    }
}
