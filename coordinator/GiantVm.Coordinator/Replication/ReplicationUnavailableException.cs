namespace GiantVm.Coordinator.Replication;

/// <summary>No majority of the coordinator's members answered (recovery cannot start writing).</summary>
public sealed class ReplicationUnavailableException(string message) : Exception(message);
