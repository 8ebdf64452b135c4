using GiantVm.Scheduling.Model;

namespace GiantVm.Simulator.Simulation;

/// <summary>Receives every snapshot a policy saw and the decisions it made (<c>--dump-snapshots</c>).</summary>
internal interface ISnapshotSink
{
    /// <summary>Called from the policy's own thread; calls for one policy never overlap.</summary>
    void Write(int policyIndex, string policyName, int instance, Snapshot snapshot, IReadOnlyList<Decision> decisions);
}
