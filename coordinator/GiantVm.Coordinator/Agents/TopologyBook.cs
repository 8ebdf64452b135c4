using System.Collections.Concurrent;
using System.Collections.Frozen;
using GiantVm.Contracts.V1;

namespace GiantVm.Coordinator.Agents;

/// <summary>
/// The node ids of each GiantVM instance as its guest agent declared them in hello: the read
/// model the stream handlers check node ids against (empty until a guest says hello).
/// </summary>
public sealed class TopologyBook
{
    private readonly ConcurrentDictionary<string, FrozenSet<int>> _nodes = new(StringComparer.Ordinal);

    public IReadOnlySet<int>? NodesOf(string vm) => _nodes.TryGetValue(vm, out var nodes) ? nodes : null;

    public void Record(string vm, Topology? topology)
    {
        if (topology is { Nodes.Count: > 0 })
        {
            _nodes[vm] = topology.Nodes.Select(n => (int)n.NodeId).ToFrozenSet();
        }
    }
}
