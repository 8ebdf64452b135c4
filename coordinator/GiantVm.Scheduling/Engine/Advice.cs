namespace GiantVm.Scheduling.Engine;

/// <summary>Where to start a new BE task: the node (null when none fits), why, and the node views.</summary>
public sealed record Advice(int? NodeId, string Reason, IReadOnlyList<NodeView> Nodes);
